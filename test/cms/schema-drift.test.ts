import { describe, expect, it } from 'vitest';
import { z } from 'astro/zod';
import type { CmsCollection, CmsField } from 'decap-cms-core';
import { collections } from '../../src/cms/collections';
import { newsSchema } from '../../src/schemas/news';
import { careersSchema } from '../../src/schemas/careers';
import { membersSchema } from '../../src/schemas/members';
import { pagesSchema } from '../../src/schemas/pages';
import { settingsSchema } from '../../src/schemas/settings';
import { compareFields, fieldsOfCms, fieldsOfZod, imageMarker } from './field-shapes';

/** Which schema each CMS collection writes. */
const schemaOf: Record<string, z.ZodTypeAny> = {
  news: newsSchema(imageMarker),
  careers: careersSchema,
  members: membersSchema,
  pages: pagesSchema,
  'component-pages': pagesSchema,
  settings: settingsSchema,
};

function cmsFields(collection: CmsCollection): CmsField[] {
  return collection.fields ?? collection.files?.[0]?.fields ?? [];
}

function byName(name: string): CmsCollection {
  const found = collections.find((c) => c.name === name);
  if (!found) throw new Error(`no CMS collection ${name}`);
  return found;
}

/** A copy of a collection's fields with one field changed (or removed when `change` gives null). */
function drifted(
  name: string,
  field: string,
  change: (f: CmsField) => CmsField | null,
): CmsField[] {
  return cmsFields(byName(name)).flatMap((f) => {
    if (f.name !== field) return [f];
    const changed = change(structuredClone(f));
    return changed ? [changed] : [];
  });
}

const drift = (name: string, fields: CmsField[]) =>
  compareFields(fieldsOfZod(schemaOf[name]), fieldsOfCms(fields));

describe('CMS fields and content schemas', () => {
  it('give every CMS collection a schema and every content folder a collection', () => {
    expect(collections.map((c) => c.name).sort()).toEqual(Object.keys(schemaOf).sort());
    const folders = collections.map((c) => c.folder ?? c.files?.[0]?.file);
    expect(folders).toEqual(
      expect.arrayContaining([
        'content/news',
        'content/careers',
        'content/members',
        'content/pages',
        'content/settings/site.yml',
      ]),
    );
  });

  for (const collection of collections) {
    it(`match field for field in the ${collection.name} collection`, () => {
      expect(drift(collection.name, cmsFields(collection))).toEqual([]);
    });
  }
});

describe('the drift check', () => {
  it('reports a schema field missing from the CMS', () => {
    expect(
      drift(
        'news',
        drifted('news', 'authorRole', () => null),
      ),
    ).toEqual(['authorRole: in the schema but not in the CMS']);
  });

  it('reports a CMS field the schema does not know', () => {
    const fields = [
      ...cmsFields(byName('careers')),
      { label: 'Salary', name: 'salary', widget: 'string' } as CmsField,
    ];
    expect(drift('careers', fields)).toEqual(['salary: in the CMS but not in the schema']);
  });

  it('reports a field required on one side and optional on the other', () => {
    const optionalTitle = drifted('news', 'title', (f) => ({ ...f, required: false }));
    expect(drift('news', optionalTitle)).toEqual([
      'title: required in the schema, optional in the CMS',
    ]);
    const requiredTags = drifted('news', 'tags', (f) => ({ ...f, required: true }));
    expect(drift('news', requiredTags)).toEqual([
      'tags: optional in the schema, required in the CMS',
    ]);
  });

  it('reports a type mismatch, including dates and images', () => {
    const textDate = drifted('members', 'date', (f) => ({
      label: f.label,
      name: f.name,
      widget: 'string',
    }));
    expect(drift('members', textDate)).toEqual(['date: date in the schema, string in the CMS']);
    const fileImage = drifted('news', 'image', (f) => ({ ...f, widget: 'hidden' }));
    expect(drift('news', fileImage)).toEqual(['image: image in the schema, unknown in the CMS']);
    const textOrder = drifted('careers', 'order', (f) => ({
      label: f.label,
      name: f.name,
      widget: 'string',
    }));
    expect(drift('careers', textOrder)).toEqual(['order: number in the schema, string in the CMS']);
  });

  it('reports a boolean whose default differs or is missing', () => {
    const onByDefault = drifted(
      'news',
      'membersOnly',
      (f) => ({ ...f, default: true }) as CmsField,
    );
    expect(drift('news', onByDefault)).toEqual([
      'membersOnly: default false in the schema, true in the CMS',
    ]);
    const noDefault = drifted('news', 'draft', (f) => {
      return Object.fromEntries(Object.entries(f).filter(([key]) => key !== 'default')) as CmsField;
    });
    expect(drift('news', noDefault)).toEqual([
      'draft: the schema defaults to false but the CMS sets no default',
    ]);
  });

  it('looks inside objects and lists of objects', () => {
    const fields = drifted('settings', 'notice', (f) => {
      const notice = f as CmsField & { fields: CmsField[] };
      return { ...notice, fields: notice.fields.filter((n) => n.name !== 'link') } as CmsField;
    }).map((f) => {
      if (f.name !== 'social') return f;
      const social = f as CmsField & { fields: CmsField[] };
      return {
        ...social,
        fields: [...social.fields, { label: 'Icon', name: 'icon', widget: 'string' }],
      } as CmsField;
    });
    expect(drift('settings', fields)).toEqual([
      'notice.link: in the schema but not in the CMS',
      'social[].icon: in the CMS but not in the schema',
    ]);
  });

  it('reports a list whose items changed type', () => {
    const numberTags = drifted(
      'news',
      'tags',
      (f) => ({ ...f, field: { label: 'Tag', name: 'tag', widget: 'number' } }) as CmsField,
    );
    expect(drift('news', numberTags)).toEqual(['tags[]: string in the schema, number in the CMS']);
  });
});
