import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);
import{b as e}from"./chunk-X2H33C5S.js";var r=64*1024;function t(o){return n=>e(n.text.slice(0,r))===o?{kind:"yes"}:{kind:"no"}}var i={id:"pfsense",name:"pfSense config.xml",detect:t("pfsense")},m={id:"opnsense",name:"OPNsense config.xml",detect:t("opnsense")};export{i as a,m as b};
