// What tsc cannot know about the extension's JavaScript (the modules build.py writes or vendors are shims/):
// the globals our scripts hand each other, and IntersectionObserver v2, which
// Chromium ships and lib.dom does not describe yet. Type-checking only; nothing here ships.

interface IntersectionObserverInit {
  trackVisibility?: boolean;
  delay?: number;
}
interface IntersectionObserverEntry {
  readonly isVisible?: boolean;
}

declare var loopReturnsContract: any;
declare var loopReturnsReplyBox: any;
declare var loopReturnsPageTree: any;
declare var loopVisibility: any;
declare var loopFrame: any;
declare var loopRuntimeQueue: any[];
