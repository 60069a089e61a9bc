import { describe, expect, it } from 'vitest';
import { hasQualify2xxOnly, hasRemoveUnavailable, parseAsteriskVersion, versionSupport } from '../../../src-main/core/asterisk-version';
import { RECORDED_VERSIONS, recordedVersionMessages } from '../../support/recorded-versions';

const v = parseAsteriskVersion;

describe('the Asterisk version', () => {
  it('reads the recorded CoreSettings AsteriskVersion of 20.20.1 and 23.4.1 as supported', () => {
    for (const version of RECORDED_VERSIONS) {
      const text = recordedVersionMessages(version, 'CoreSettings')[0]!.get('AsteriskVersion')!;
      expect(v(text)).toMatchObject({ text: version, major: Number(version.split('.')[0]) });
      expect(versionSupport(v(text))).toBe('supported');
    }
  });

  it('reads release candidates and certified releases, and warns below 18 or for unrecognised text', () => {
    expect(v('22.11.0-rc1')).toMatchObject({ major: 22, minor: 11 });
    expect(v('certified-20.7-cert5')).toMatchObject({ major: 20, minor: 7 });
    expect(versionSupport(v('18.26.4'))).toBe('supported');
    expect(versionSupport(v('16.30.1'))).toBe('old');
    expect(versionSupport(v('GIT-master-0123abc'))).toBe('unrecognised');
    expect(versionSupport(v(''))).toBe('unrecognised');
    expect(versionSupport(null)).toBe('unrecognised');
  });

  it('has remove_unavailable from 16.22, 18.8 and 19.0 on', () => {
    const has = (t: string) => hasRemoveUnavailable(v(t));
    expect(['16.22.0', '18.8.0', '18.26.4', '19.0.0', '20.0.0', '22.10.1', '23.4.1'].filter((t) => !has(t))).toEqual([]);
    expect(['16.21.0', '17.9.4', '18.7.2', 'GIT-master-abc'].filter(has)).toEqual([]);
  });

  it('has qualify_2xx_only from 20.12, 21.7, 22.2 and 23.0 on, never on 18 or 19', () => {
    const has = (t: string) => hasQualify2xxOnly(v(t));
    expect(['20.12.0', '20.20.1', '21.7.0', '21.12.3', '22.2.0', '22.10.1', '23.0.0', '24.0.0-rc1'].filter((t) => !has(t))).toEqual([]);
    expect(['18.26.4', '19.8.0', '20.11.1', '21.6.0', '22.1.1', 'certified-20.7-cert5'].filter(has)).toEqual([]);
  });
});
