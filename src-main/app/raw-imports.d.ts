// `import text from './file?raw'`: the file's contents as a string, inlined by Vite (electron-vite
// builds, vitest) at build time.
declare module '*?raw' {
  const text: string;
  export default text;
}
