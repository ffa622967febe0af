import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{f as a,g as b}from"./chunk-MJOONGTD.js";import"./chunk-OLZH3N37.js";import"./chunk-7MKQ7NTG.js";import"./chunk-UDTPJLR2.js";import"./chunk-QRO4ECKM.js";export{a as exec,b as getExecOutput};
