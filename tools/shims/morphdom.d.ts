// /vendor/morphdom/morphdom-esm.js (morphdom 2.7.8, vendored by build.py), as panel.js calls it.
declare function morphdom(from: Node, to: Node | string, options?: object): Node;
export default morphdom;
