import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{g as e}from"./chunk-X6FAWFSR.js";var n={describe:"the working tree",read:(r,t)=>Promise.resolve(e(r,t))};export{n as a};
