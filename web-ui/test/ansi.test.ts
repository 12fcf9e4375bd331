import { describe, expect, it } from 'vitest';
import { colourClass, parseAnsi, plainText } from '../src/logs/ansi';
import { LogBuffer } from '../src/logs/logBuffer';
import { findMatches, highlight } from '../src/logs/search';
import { scrollTopFor, visibleWindow } from '../src/logs/virtual';

const E = '\x1b[';

describe('parseAnsi', () => {
  it.each([
    ['plain', 'hello', [['hello', {}]]],
    ['basic colour and reset', `${E}31mred${E}0m plain`, [['red', { fg: 'red' }], [' plain', {}]]],
    ['bold bright on a background', `${E}1;92;44mok`, [['ok', { bold: true, fg: 'bright-green', bg: 'blue' }]]],
    ['256 colours', `${E}38;5;196mx${E}38;5;10my`, [['x', { fg: '#ff0000' }], ['y', { fg: 'bright-green' }]]],
    ['truecolor', `${E}48;2;1;2;3mz`, [['z', { bg: '#010203' }]]],
    ['default colours', `${E}31;42ma${E}39mb${E}49mc`, [['a', { fg: 'red', bg: 'green' }], ['b', { bg: 'green' }], ['c', {}]]],
    ['empty SGR resets', `${E}1mA${E}mB`, [['A', { bold: true }], ['B', {}]]],
    ['cursor moves and erases dropped', `${E}2K${E}1Gdone${E}?25h`, [['done', {}]]],
    ['OSC title and hyperlink dropped', '\x1b]0;title\x07a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\', [['alink', {}]]],
    ['control bytes dropped, tabs kept', 'a\x07\tb\x08', [['a\tb', {}]]],
  ])('%s', (_name, input, expected) => {
    const { segments } = parseAnsi(input);
    expect(segments.map((s) => [s.text, s.style])).toEqual(expected);
  });

  it('keeps markup as text', () => {
    const { segments } = parseAnsi('<img src=x onerror=alert(1)>');
    expect(plainText(segments)).toBe('<img src=x onerror=alert(1)>');
  });

  it('names classes only for palette colours', () => {
    expect(colourClass('fg', 'bright-red')).toBe('ansi-fg-bright-red');
    expect(colourClass('bg', '#102030')).toBeUndefined();
  });
});

describe('LogBuffer', () => {
  it('joins chunks split anywhere into the same lines', () => {
    const text = `one\n${E}32mtwo\nthr${E}0mee\nfour`;
    for (let cut = 0; cut <= text.length; cut++) {
      const log = new LogBuffer();
      log.append(text.slice(0, cut));
      log.append(text.slice(cut));
      expect(Array.from({ length: log.length }, (_, i) => log.line(i).text)).toEqual(['one', 'two', 'three', 'four']);
    }
  });

  it('carries colours across lines and applies carriage returns', () => {
    const log = new LogBuffer();
    log.append(`${E}33mwarn\nstill yellow${E}0m\n 10%\r 50%\r100%\r\n`);
    expect(log.line(1).segments[0].style).toEqual({ fg: 'yellow' });
    expect(log.line(2).text).toBe('100%');
    expect(log.length).toBe(3);
  });
});

describe('search', () => {
  const log = new LogBuffer();
  log.append(`Compiling\n${E}31mERROR${E}0m one\nok\nerror two\n`);

  it('finds lines ignoring case and escapes', () => {
    expect(findMatches(log, 'error')).toEqual([1, 3]);
    expect(findMatches(log, '  ')).toEqual([]);
    expect(findMatches(log, '31m')).toEqual([]);
  });

  it('splits a line around every hit', () => {
    expect(highlight('an Error, error', 'error')).toEqual([
      { text: 'an ', hit: false }, { text: 'Error', hit: true }, { text: ', ', hit: false }, { text: 'error', hit: true },
    ]);
  });
});

describe('visibleWindow', () => {
  it.each([
    [0, 180, 18, 50000, 5, { first: 0, last: 15 }],
    [18000, 180, 18, 50000, 5, { first: 995, last: 1015 }],
    [899_900, 180, 18, 50000, 5, { first: 49989, last: 50000 }],
    [0, 180, 18, 0, 5, { first: 0, last: 0 }],
  ])('scrollTop %d', (top, height, line, total, over, expected) => {
    expect(visibleWindow(top, height, line, total, over)).toEqual(expected);
  });

  it('centres a line', () => {
    expect(scrollTopFor(1000, 400, 18)).toBe(18000 - 200);
    expect(scrollTopFor(2, 400, 18)).toBe(0);
  });
});
