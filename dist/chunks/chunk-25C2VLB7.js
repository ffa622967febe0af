import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{h as e}from"./chunk-BLTGO5V4.js";var n={describe:"the working tree",read:(r,t)=>Promise.resolve(e(r,t))};export{n as a};
