import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
var e=class extends Error{constructor(s,i,n){super(n);this.path=s;this.line=i;this.name="InputError"}path;line;format(){return`${this.path}${this.line!==void 0?`:${this.line}`:""}: ${this.message}`}};export{e as a};
