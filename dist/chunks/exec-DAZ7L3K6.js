import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{g as a,h as b}from"./chunk-W7YIAN2B.js";import"./start-B2A3936D.js";import"./start-B2A3936D.js";import"./start-B2A3936D.js";export{a as exec,b as getExecOutput};
