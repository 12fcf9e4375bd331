'use strict';

/** Primes below n (sieve of Eratosthenes). */
function primesBelow(n) {
  const sieve = new Uint8Array(n);
  const out = [];
  for (let i = 2; i < n; i++) {
    if (!sieve[i]) {
      out.push(i);
      for (let j = i * i; j < n; j += i) sieve[j] = 1;
    }
  }
  return out;
}

module.exports = { primesBelow };
