import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{g as a,h as b}from"./chunk-W7YIAN2B.js";import"./start-1EB17D52.js";import"./start-1EB17D52.js";import"./start-1EB17D52.js";export{a as exec,b as getExecOutput};
