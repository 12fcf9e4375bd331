// A small HTTP server that plays Circlet's REST API and live-tail contract from recorded history
// (e2e/fixtures/history.json) and serves the built UI under /ui, for the browser tests and for
// working on the UI without a cluster. Live steps grow by one line every `lineIntervalMs`; each
// SSE connection is dropped after `dropStreamAfterMs` so every test also exercises resume.
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { join, extname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const TOKEN = 'circlet-ui-fixture-token';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const E = '\x1b[';
// The same headers the gateway sends with the UI (WebUiPaths.SECURITY_HEADERS), so a page that
// needs inline script or style fails these tests as it would fail in production.
const UI_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

function shiftTimes(value, deltaMs) {
  if (Array.isArray(value)) return value.map((v) => shiftTimes(v, deltaMs));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = (k.endsWith('At') && typeof v === 'string') ? new Date(Date.parse(v) + deltaMs).toISOString() : shiftTimes(v, deltaMs);
    }
    return out;
  }
  return value;
}

function finishedLog(build, step) {
  const lines = [];
  if (build.endsWith('-build') && step.name === 'npm ci') {
    // The long log of the suite: 50,000 lines, to show virtualised rendering.
    for (let i = 1; i <= 50000; i++) {
      lines.push(i % 1000 === 0
        ? `${E}1;33mnpm WARN${E}0m deprecated package-${i}@1.0.${i % 7}: use package-${i}@2`
        : `${E}2m[${String(i).padStart(5, '0')}]${E}0m added ${E}36mpackage-${i}${E}0m@1.${i % 10}.${i % 13} ${E}32m✔${E}0m`);
    }
    lines.push(`${E}1;32madded 50000 packages in 65s${E}0m`);
  } else if (step.status === 'Failed') {
    lines.push('> shop@1.4.0 test', '> vitest run', '');
    lines.push(` ${E}32m✓${E}0m src/cart/totals.test.ts (1 test) 4ms`);
    lines.push(` ${E}31m❯${E}0m src/cart/limits.test.ts (2 tests | ${E}31m1 failed${E}0m) 43ms`);
    lines.push(`   ${E}31m×${E}0m refuses the 100th item`);
    lines.push(`${E}41;97m FAIL ${E}0m src/cart/limits.test.ts > cart.limits > refuses the 100th item`);
    lines.push(`${E}31mAssertionError: expected 100 to be at most 99${E}0m`);
    lines.push(`${E}90m    at src/cart/limits.test.ts:42:18${E}0m`);
    lines.push('', ` Test Files  ${E}1;31m2 failed${E}0m | ${E}1;32m1 passed${E}0m (3)`, `${E}31mExited with code exit status 1${E}0m`);
  } else {
    lines.push(`${E}1m#!/bin/bash -eo pipefail${E}0m`, `${step.name}`);
    for (let i = 1; i <= 12; i++) lines.push(`${E}90m${String(i).padStart(3)}${E}0m ${step.name.toLowerCase()} · task ${i} ${E}32mdone${E}0m`);
  }
  return lines.join('\n') + '\n';
}

function liveLine(n) {
  return `${E}36mintegration${E}0m ▸ scenario #${n}: checkout with ${n % 3 === 0 ? 'coupon' : 'card'} ${E}32mok${E}0m (${(n * 37) % 900}ms)\n`;
}

/**
 * Starts the server; resolves to { url, close, state }. With `behindProxy`, a request without
 * Authorization gets the token added, as an authenticating proxy in front of the gateway would.
 */
export async function startFixtureServer({ port = 0, lineIntervalMs = 150, dropStreamAfterMs = 1500, uiDir, behindProxy = false } = {}) {
  const recorded = JSON.parse(readFileSync(join(here, 'fixtures/history.json'), 'utf8'));
  const latest = Date.parse(recorded.runs['run-42'].workflows[0].jobs[5].startedAt);
  const state = shiftTimes(recorded, Date.now() - 3 * 60_000 - latest);
  const dist = uiDir ?? join(here, '../target/classes/META-INF/resources/ui');
  const logs = new Map(); // "ns/name/index" -> string
  const waiters = new Set();
  const key = (ns, name, i) => `${ns}/${name}/${i}`;
  for (const [id, b] of Object.entries(state.builds)) {
    for (const s of b.steps) {
      const running = s.status === 'Running';
      logs.set(key(b.namespace, b.name, s.index), running ? Array.from({ length: 40 }, (_, i) => liveLine(i + 1)).join('') : finishedLog(id, s));
    }
  }
  const liveCounters = new Map();
  const timer = setInterval(() => {
    for (const b of Object.values(state.builds)) {
      if (b.phase !== 'Running') continue;
      for (const s of b.steps) {
        if (s.status !== 'Running') continue;
        const k = key(b.namespace, b.name, s.index);
        const n = (liveCounters.get(k) ?? 40) + 1;
        if (n > 20000) continue;
        liveCounters.set(k, n);
        logs.set(k, logs.get(k) + liveLine(n));
      }
    }
    for (const w of waiters) w();
  }, lineIntervalMs);

  const json = (res, status, body) => {
    res.writeHead(status, { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const problem = (res, status, title, detail) => json(res, status, { type: 'about:blank', title, status, detail });
  const findWorkflow = (ns, name) => {
    for (const run of Object.values(state.runs)) for (const wf of run.workflows) if (wf.namespace === ns && wf.name === name) return { run, wf };
    return null;
  };
  const refreshRun = (run) => {
    const phases = run.workflows.map((w) => w.phase);
    run.status = phases.find((p) => p === 'Running' || p === 'OnHold') ?? phases[0];
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://fixture');
    const path = url.pathname;
    if (path === '/ui' || path.startsWith('/ui/')) return serveUi(dist, path, res);
    if (path.startsWith('/fixture-artifacts/')) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      return res.end('artifact bytes\n');
    }
    if (!path.startsWith('/api/v1/')) return problem(res, 404, 'Not Found', `no route ${path}`);
    if (behindProxy && !req.headers.authorization) req.headers.authorization = `Bearer ${TOKEN}`;
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return problem(res, 401, 'Unauthorized', 'the bearer token is unknown or revoked');
    const p = path.slice('/api/v1/'.length).split('/').map(decodeURIComponent);
    const post = req.method === 'POST';
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const input = body ? JSON.parse(body) : {};
      if (!post && p[0] === 'me') return json(res, 200, state.me);
      if (!post && p[0] === 'pipelines') return json(res, 200, state.pipelines);
      if (!post && p[0] === 'queue') return json(res, 200, state.queue);
      if (!post && p[0] === 'runs' && p.length === 2) {
        const run = state.runs[p[1]];
        return run ? json(res, 200, run) : problem(res, 404, 'Not Found', `no run ${p[1]}`);
      }
      if (p[0] === 'workflows' && p.length >= 3) {
        const found = findWorkflow(p[1], p[2]);
        if (!found) return problem(res, 404, 'Not Found', `no workflow ${p[1]}/${p[2]}`);
        const { run, wf } = found;
        if (!post && p.length === 3) return json(res, 200, wf);
        if (post && p[3] === 'approve') {
          const job = wf.jobs.find((j) => j.name === input.job && j.type === 'approval' && j.state === 'OnHold');
          if (!job) return problem(res, 409, 'Conflict', `job ${input.job} is not an approval on hold`);
          job.state = 'Succeeded';
          job.finishedAt = new Date().toISOString();
          return json(res, 202, {});
        }
        if (post && p[3] === 'cancel') {
          wf.phase = 'Canceled';
          for (const j of wf.jobs) if (!['Succeeded', 'Failed', 'NotRun'].includes(j.state)) j.state = 'Canceled';
          refreshRun(run);
          return json(res, 202, {});
        }
        if (post && p[3] === 'rerun') return json(res, 202, { id: run.id, workflow: wf.name, failedOnly: !!input.failedOnly });
      }
      if (p[0] === 'builds' && p.length >= 3) {
        const b = state.builds[`${p[1]}/${p[2]}`];
        if (!b) return problem(res, 404, 'Not Found', `no build ${p[1]}/${p[2]}`);
        if (!post && p.length === 3) return json(res, 200, b);
        if (post && p[3] === 'cancel') {
          if (['Succeeded', 'Failed', 'Canceled', 'TimedOut'].includes(b.phase)) return problem(res, 409, 'Conflict', 'the build has ended');
          b.phase = 'Canceled';
          b.finishedAt = new Date().toISOString();
          b.exitSummary = 'canceled through the API';
          for (const s of b.steps) if (s.status === 'Running') { s.status = 'Canceled'; s.finishedAt = b.finishedAt; }
          for (const { wf } of Object.values(state.runs).flatMap((r) => r.workflows.map((w) => ({ wf: w })))) {
            for (const j of wf.jobs) if (j.build === b.name) j.state = 'Canceled';
          }
          return json(res, 202, {});
        }
        if (!post && p[3] === 'tests') return json(res, 200, { items: state.tests[`${b.namespace}/${b.name}`] ?? [], next: null });
        if (!post && p[3] === 'artifacts') return json(res, 200, { items: state.artifacts[`${b.namespace}/${b.name}`] ?? [], next: null });
        if (!post && p[3] === 'steps' && p[5] === 'log') {
          const step = b.steps.find((s) => String(s.index) === p[4]);
          if (!step) return problem(res, 404, 'Not Found', `no step ${p[4]}`);
          const k = key(b.namespace, b.name, step.index);
          if (p.length === 6) return rawLog(req, res, Buffer.from(logs.get(k), 'utf8'));
          if (p[6] === 'stream') return stream(req, res, () => Buffer.from(logs.get(k), 'utf8'), () => step.status !== 'Running');
        }
      }
      return problem(res, 404, 'Not Found', `no route ${req.method} ${path}`);
    });
  });

  function rawLog(req, res, bytes) {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': bytes.length });
      return res.end(bytes);
    }
    const from = Number(range[1]);
    const to = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    res.writeHead(206, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Range': `bytes ${from}-${to}/${bytes.length}` });
    res.end(bytes.subarray(from, to + 1));
  }

  function stream(req, res, current, ended) {
    let offset = Number(req.headers['last-event-id'] ?? 0) || 0;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    const push = () => {
      const bytes = current();
      // Whole lines only, so an event never splits a UTF-8 character.
      const cut = bytes.lastIndexOf(0x0a) + 1;
      if (cut > offset) {
        const text = bytes.subarray(offset, cut).toString('utf8');
        res.write(`id: ${cut}\n${text.split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`);
        offset = cut;
      }
      if (ended()) {
        res.write(`event: end\ndata: {"ended":true,"length":${bytes.length}}\n\n`);
        close();
      }
    };
    const close = () => {
      waiters.delete(push);
      clearTimeout(drop);
      res.end();
    };
    const drop = setTimeout(close, dropStreamAfterMs);
    waiters.add(push);
    req.on('close', close);
    push();
  }

  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    state,
    logText: (ns, name, i) => logs.get(key(ns, name, i)),
    close: () => new Promise((r) => { clearInterval(timer); for (const w of waiters) w(); server.closeAllConnections?.(); server.close(r); }),
  };
}

function serveUi(dist, path, res) {
  const rel = normalize(path.slice('/ui'.length)).replace(/^([/\\])+/, '');
  let file = join(dist, rel);
  if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) {
    // Page routes fall back to index.html (as the gateway does); missing assets stay 404.
    if (rel.startsWith('assets/')) { res.writeHead(404); return res.end(); }
    file = join(dist, 'index.html');
  }
  if (!existsSync(file)) { res.writeHead(500); return res.end('build the UI first: npm run build'); }
  res.writeHead(200, { ...UI_HEADERS, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8088);
  startFixtureServer({ port, dropStreamAfterMs: 30_000 }).then((s) => {
    console.log(`Circlet UI on ${s.url}/ui/ — sign in with the token ${TOKEN}`);
  });
}
