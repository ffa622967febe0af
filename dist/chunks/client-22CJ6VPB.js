import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{e as a,f as b,g as c}from"./chunk-VB5QGTUN.js";import"./chunk-QZWTRF72.js";import"./chunk-APDBXFMD.js";import"./chunk-XDP6RD4K.js";export{c as createClient,b as failureOf,a as sleep};
