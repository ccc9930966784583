// The part of socket.io-client 4.8 (static/vendor/socket.io, the ESM build) that live.js uses.
// Hand-written so the vendored file stays as published; see socket.io-client's own types for more.

interface Manager {
  on(event: "reconnect_attempt", listener: (attempt: number) => void): this;
  reconnection(value: boolean): this;
}

export interface Socket {
  readonly connected: boolean;
  readonly active: boolean;
  readonly io: Manager;
  on(event: string, listener: (...args: any[]) => void): this;
  emit(event: string, ...args: any[]): this;
  timeout(ms: number): Socket;
  connect(): this;
  disconnect(): this;
}

export function io(options?: { auth?: Record<string, unknown> }): Socket;
