// The V8 referee of tests/differential_smith: performs a plan (see v8.rs)
// and prints one canonical line per step, in the form of canon.rs.
'use strict';
const fs = require('fs');
const path = require('path');

const [, , dir, FUEL_EXPORT, fuel] = process.argv;
const MODULE_FUEL = Number(fuel);
const lines = fs.readFileSync(path.join(dir, 'plan.txt'), 'utf8').split('\n').filter((l) => l);
const hexName = (h) => Buffer.from(h, 'hex').toString('utf8');

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);

function toJs(arg) {
  const [ty, v] = arg.split(':');
  switch (ty) {
    case 'i32': return Number(v);
    case 'i64': return BigInt(v);
    case 'f32': u32[0] = parseInt(v, 16); return f32[0];
    case 'f64': u64[0] = BigInt('0x' + v); return f64[0];
    default: return null;
  }
}

function text(ty, v) {
  switch (ty) {
    case 'i32': return `i32:${v}`;
    case 'i64': return `i64:${v}`;
    case 'f32': if (Number.isNaN(v)) return 'f32:nan'; f32[0] = v; return `f32:${u32[0].toString(16).padStart(8, '0')}`;
    case 'f64': if (Number.isNaN(v)) return 'f64:nan'; f64[0] = v; return `f64:${u64[0].toString(16).padStart(16, '0')}`;
    default: return v === null ? 'ref:null' : 'ref:nonnull';
  }
}

const runtimeKinds = [
  ['unreachable', 'unreachable'],
  ['memory access out of bounds', 'memory-out-of-bounds'],
  ['data segment is out of bounds', 'memory-out-of-bounds'],
  ['data segment out of bounds', 'memory-out-of-bounds'],
  ['element segment is out of bounds', 'table-out-of-bounds'],
  ['table index is out of bounds', 'table-out-of-bounds'],
  ['element segment out of bounds', 'table-out-of-bounds'],
  ['table access out of bounds', 'table-out-of-bounds'],
  ['null function or function signature mismatch', 'null-or-bad-signature'],
  ['divide by zero', 'divide-by-zero'],
  ['remainder by zero', 'divide-by-zero'],
  ['divide result unrepresentable', 'overflow-or-bad-conversion'],
  ['float unrepresentable in integer range', 'overflow-or-bad-conversion'],
];

function failure(e) {
  if (e instanceof WebAssembly.RuntimeError) {
    const kind = runtimeKinds.find(([m]) => e.message.includes(m));
    return kind ? `trap:${kind[1]}` : `trap:other(${e.message})`;
  }
  if (e instanceof RangeError && e.message.includes('call stack')) return 'trap:stack-overflow';
  if (e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError) return 'failed';
  return `error(${e})`;
}

function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

const instances = [], shapes = [], globalTypes = new Map();
function state() {
  const out = [];
  instances.forEach((instance, i) => {
    for (const { name, kind } of shapes[i]) {
      const item = instance.exports[name];
      if (kind === 'memory') {
        out.push(`mem:${item.buffer.byteLength}:${fnv1a(new Uint8Array(item.buffer))}`);
      } else if (kind === 'global') {
        const ty = globalTypes.get(`${i} ${name}`);
        // JavaScript cannot read a v128 global (a TypeError): its type stands in.
        out.push(ty === 'v128' ? 'global:v128' : `global:${text(ty, item.value)}`);
      } else if (kind === 'table') {
        let mask = '';
        for (let k = 0; k < item.length; k++) mask += item.get(k) === null ? '0' : '1';
        out.push(`table:${item.length}:${mask}`);
      }
    }
  });
  return out;
}

for (const line of lines) {
  const words = line.split(' ');
  let outcome;
  if (words[0] === 'global') {
    globalTypes.set(`${words[1]} ${hexName(words[2])}`, words[3]);
    continue;
  } else if (words[0] === 'module') {
    try {
      const module = new WebAssembly.Module(fs.readFileSync(path.join(dir, words[1])));
      const imports = instances.length ? { a: instances[0].exports } : {};
      instances.push(new WebAssembly.Instance(module, imports));
      shapes.push(WebAssembly.Module.exports(module));
      outcome = 'ok[]';
    } catch (e) {
      outcome = failure(e);
    }
  } else {
    const [, inst, name, results, ...args] = words;
    for (const instance of instances) {
      const fuel = instance.exports[FUEL_EXPORT];
      if (fuel) fuel.value = MODULE_FUEL;
    }
    const types = results === '-' ? [] : results.split(',');
    try {
      const r = instances[Number(inst)].exports[hexName(name)](...args.map(toJs));
      const values = types.length === 1 ? [r] : types.length === 0 ? [] : r;
      outcome = `ok[${values.map((v, k) => text(types[k], v)).join(',')}]`;
    } catch (e) {
      outcome = failure(e);
    }
  }
  console.log([outcome, ...state()].join(' '));
  if (words[0] === 'module' && !outcome.startsWith('ok')) break;
}
