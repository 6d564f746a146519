export enum AppMode {
  Central = 'central',
  Store = 'store',
}

/** Injection token for the mode the process was booted in; root modules are chosen by it. */
export const APP_MODE = Symbol('APP_MODE');
