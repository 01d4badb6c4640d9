import { expect } from 'chai';
import { isSafeInlineImage, servedContentType, sniffMime } from '../../api/files/sniff-mime.ts';

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
const text = (s: string) => Buffer.from(s);
const cat = (...parts: Buffer[]) => Buffer.concat(parts);

describe('sniffMime', () => {
  const cases: [string, Buffer, string][] = [
    ['PNG', hex('89504e470d0a1a0a 0000000d 49484452 00000010'), 'image/png'],
    ['JPEG', hex('ffd8ffe000104a464946'), 'image/jpeg'],
    ['GIF', cat(text('GIF89a'), hex('10001000')), 'image/gif'],
    ['WebP', cat(text('RIFF'), hex('00000000'), text('WEBPVP8L')), 'image/webp'],
    ['WAV', cat(text('RIFF'), hex('00000000'), text('WAVEfmt ')), 'audio/wav'],
    ['PDF', text('%PDF-1.4\n'), 'application/pdf'],
    ['ZIP', hex('504b0304140000000800'), 'application/zip'],
    ['empty ZIP', hex('504b0506000000000000'), 'application/zip'],
    ['gzip', hex('1f8b0800000000000003'), 'application/gzip'],
    ['MP4', cat(hex('00000020'), text('ftypisom')), 'video/mp4'],
    ['M4A', cat(hex('00000020'), text('ftypM4A ')), 'audio/mp4'],
    ['QuickTime', cat(hex('00000014'), text('ftypqt  ')), 'video/quicktime'],
    ['WebM', cat(hex('1a45dfa3 9f4286810142f7810142f2810442f381084282'), text('webm')), 'video/webm'],
    ['Matroska', cat(hex('1a45dfa3 9f4286810142f7810142f2810442f381084282'), text('matroska')), 'video/x-matroska'],
    ['Ogg', text('OggS\0\u0002'), 'application/ogg'],
    ['MP3 with ID3', text('ID3\u0003\0'), 'audio/mpeg'],
    ['MP3 frame', hex('fffb9064'), 'audio/mpeg'],
    ['plain text', text('hello, world\n'), 'text/plain'],
    ['UTF-8 text', text('Grüße, 世界 😀\n'), 'text/plain'],
    ['text cut inside a character', text('ab😀').subarray(0, 4), 'text/plain'],
    ['text mentioning a tag', text('use <script> carefully'), 'text/plain'],
    ['HTML', text('<!doctype html><title>x</title>'), 'text/html'],
    ['HTML after BOM and blanks', text('\ufeff \n <HTML><body>'), 'text/html'],
    ['HTML fragment', text('<script>alert(1)</script>'), 'text/html'],
    ['SVG', text('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml'],
    ['SVG with prolog', text('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg>'), 'image/svg+xml'],
    ['XML', text('<?xml version="1.0"?><a/>'), 'application/xml'],
    ['binary noise', hex('00010203 fffefd'), 'application/octet-stream'],
    ['nothing', Buffer.alloc(0), 'application/octet-stream'],
    ['PNG signature without IHDR', hex('89504e470d0a1a0a 00000000'), 'application/octet-stream'],
    ['GIF of zero size', cat(text('GIF89a'), hex('00000000')), 'application/octet-stream'],
    ['PNG followed by HTML (polyglot)', cat(hex('89504e470d0a1a0a 0000000d 49484452'), text('<html><script>x</script>')), 'application/octet-stream'],
    ['GIF followed by SVG (polyglot)', cat(text('GIF89a'), hex('10001000'), text('<svg onload=alert(1)>')), 'application/octet-stream'],
    ['JPEG with XMP metadata', cat(hex('ffd8ffe1'), text('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description/></rdf:RDF>')), 'image/jpeg'],
  ];
  for (const [what, head, mime] of cases) {
    it(`recognises ${what} as ${mime}`, () => expect(sniffMime(head)).to.equal(mime));
  }

  it('lets only raster images inline, and serves markup as opaque bytes', () => {
    expect(['image/png', 'image/jpeg', 'image/gif', 'image/webp'].every(isSafeInlineImage)).to.equal(true);
    expect(['image/svg+xml', 'text/html', 'application/pdf'].some(isSafeInlineImage)).to.equal(false);
    for (const mime of ['text/html', 'image/svg+xml', 'application/xml']) expect(servedContentType(mime)).to.equal('application/octet-stream');
    expect(servedContentType('text/plain')).to.equal('text/plain; charset=utf-8');
    expect(servedContentType('application/pdf')).to.equal('application/pdf');
  });
});
