'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { primesBelow } = require('../src/primes');

test('primes below 10', () => assert.deepStrictEqual(primesBelow(10), [2, 3, 5, 7]));
test('no primes below 2', () => assert.deepStrictEqual(primesBelow(2), []));
test('count below 1000', () => assert.strictEqual(primesBelow(1000).length, 168));
