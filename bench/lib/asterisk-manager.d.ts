// The part of asterisk-manager 0.2.0 (plain JavaScript, no types) the cold-sync baseline uses.
declare module 'asterisk-manager' {
  interface ManagerEvent {
    event?: string;
    response?: string;
    actionid?: string;
    [key: string]: unknown;
  }
  interface Manager {
    on(event: 'managerevent', listener: (e: ManagerEvent) => void): void;
    on(event: 'error' | 'close', listener: (e?: unknown) => void): void;
    action(action: Record<string, string>, callback?: (err: unknown, res: ManagerEvent) => void): string;
    disconnect(): void;
  }
  const Manager: {
    new (port: number, host: string, username: string, password: string, events: boolean): Manager;
    (port: number, host: string, username: string, password: string, events: boolean): Manager;
  };
  export default Manager;
}
