'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { slugify } = require('../src/text');

test('slugify of symbols only is empty', () => assert.strictEqual(slugify('!!!'), ''));
