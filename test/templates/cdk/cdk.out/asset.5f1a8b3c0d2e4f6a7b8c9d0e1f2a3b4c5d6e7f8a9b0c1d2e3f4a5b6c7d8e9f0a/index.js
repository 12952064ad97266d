/* global module */
'use strict';
// What `NodejsFunction` bundles (esbuild, format CommonJS, the CDK default) into a cdk.out asset:
// one index.js and no package.json. Lambda runs it as CommonJS, whatever the project's package.json says.
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all) __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if ((from && typeof from === 'object') || typeof from === 'function') {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, {
          get: () => from[key],
          enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable,
        });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, '__esModule', { value: true }), mod);

// lib/greeter.ts
var greeter_exports = {};
__export(greeter_exports, {
  handler: () => handler,
});
module.exports = __toCommonJS(greeter_exports);
var handler = async (event) => {
  const greeting = process.env.GREETING ?? 'Hello';
  return { message: `${greeting}, ${event.name}!`, region: process.env.AWS_REGION };
};
