/// <reference types="vite/client" />
// services/api.ts (shared with main) names Node's Buffer in SecretStore, which the renderer never
// touches; this lets the renderer type-check that file without Node's types.
interface Buffer extends Uint8Array {}
