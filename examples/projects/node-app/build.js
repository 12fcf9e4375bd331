'use strict';
// Builds dist/ from src/. The prime table is slow to compute, so it lives in a cache directory
// (~/.cache/node-app) that the CI config saves and restores between runs.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { primesBelow } = require('./src/primes');

const cacheDir = path.join(os.homedir(), '.cache', 'node-app');
const table = path.join(cacheDir, 'primes.json');
let primes;
if (fs.existsSync(table)) {
  primes = JSON.parse(fs.readFileSync(table, 'utf8'));
  console.log(`cache hit: ${primes.length} primes from ${table}`);
} else {
  primes = primesBelow(2_000_000);
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(table, JSON.stringify(primes));
  console.log(`cache miss: computed ${primes.length} primes`);
}
fs.mkdirSync('dist', { recursive: true });
fs.copyFileSync('src/text.js', 'dist/text.js');
fs.writeFileSync('dist/report.txt', `primes below 2000000: ${primes.length}\nlargest: ${primes[primes.length - 1]}\n`);
console.log('built dist/');
