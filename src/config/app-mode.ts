export enum AppMode {
  Central = 'central',
  Store = 'store',
}
