// /shared/contract.js, written by build.py: it sets globalThis.loopReturnsContract (extension-globals.d.ts).
export {};
