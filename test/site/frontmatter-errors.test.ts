import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempProject, type TempProject } from './support/temp-project';

describe('a news entry with an impossible date', () => {
  let project: TempProject | undefined;
  let result: { code: number | null; output: string };

  beforeAll(async () => {
    project = createTempProject('frontmatter-errors-');
    project.write(
      'content/news/broken-date.md',
      '---\ntitle: An article with a typing slip\ndate: 2024-13-45\nsummary: The month and day do not exist.\n---\n\nBody.\n',
    );
    result = await project.build();
  }, 90_000);

  afterAll(() => project?.remove());

  it('fails the build', () => {
    expect(result.code).not.toBe(0);
  });

  it('names the file that needs fixing', () => {
    expect(result.output).toMatch(/content\/news\/broken-date\.md/);
  });

  it('names the field and says what a valid date looks like', () => {
    expect(result.output).toMatch(/\bdate\b[^\n]*Use a real date in the form YYYY-MM-DD/);
  });
});
