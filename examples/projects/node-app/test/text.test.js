'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { slugify, titleCase } = require('../src/text');

test('slugify', () => assert.strictEqual(slugify('  Hello, World! '), 'hello-world'));
test('title case', () => assert.strictEqual(titleCase('circle  let ci'), 'Circle Let Ci'));
