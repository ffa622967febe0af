import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{e as a,f as b,g as c}from"./chunk-GFVQOF5W.js";import"./chunk-QZWTRF72.js";import"./chunk-XSJ75IHY.js";import"./chunk-7MKQ7NTG.js";import"./chunk-QRO4ECKM.js";export{c as createClient,b as failureOf,a as sleep};
