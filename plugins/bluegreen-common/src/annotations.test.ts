import { parseAnnotationList } from './annotations';

describe('parseAnnotationList', () => {
  it('splits on commas, trimming and dropping blanks', () => {
    expect(
      parseAnnotationList(' pii-demo.apps.hl.test, mysql-server,, '),
    ).toEqual(['pii-demo.apps.hl.test', 'mysql-server']);
  });

  it('reads a missing annotation as an empty list', () => {
    expect(parseAnnotationList(undefined)).toEqual([]);
  });
});
