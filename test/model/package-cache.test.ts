import { remoteCachePath } from '../../src/model/package-cache.js';

describe('remoteCachePath: where a cached file is in SFTP form', () => {
  it("puts a Windows drive root in Win32-OpenSSH's /C:/ form", () => {
    expect(remoteCachePath('C:\\', 'ProgramData/homeshift/cache/ab/Setup.exe')).toBe('/C:/ProgramData/homeshift/cache/ab/Setup.exe');
    expect(remoteCachePath('c:', 'ProgramData/x.msi')).toBe('/C:/ProgramData/x.msi');
    expect(remoteCachePath('D:\\Deploy\\', 'ProgramData/x.msi')).toBe('/D:/Deploy/ProgramData/x.msi');
  });

  it('joins a POSIX root as it is (Linux PCs, the lab\'s PC folders)', () => {
    expect(remoteCachePath('/', 'var/cache/homeshift/ab/tool.deb')).toBe('/var/cache/homeshift/ab/tool.deb');
    expect(remoteCachePath('/srv/lab/pcs/BRU-D0001/C/', 'ProgramData/x.msi')).toBe('/srv/lab/pcs/BRU-D0001/C/ProgramData/x.msi');
  });
});
