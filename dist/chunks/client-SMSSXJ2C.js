import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{e as a,f as b,g as c}from"./chunk-GFVQOF5W.js";import"./start-B2A3936D.js";import"./chunk-XSJ75IHY.js";import"./start-B2A3936D.js";import"./start-B2A3936D.js";export{c as createClient,b as failureOf,a as sleep};
