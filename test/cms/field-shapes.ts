import { z } from 'astro/zod';
import type { CmsField } from 'decap-cms-core';
import { DATE_WIDGET } from '../../src/cms/fields';

/** A field's shape, comparable between a Zod schema and a Decap field list. */
export interface Shape {
  kind: 'string' | 'number' | 'boolean' | 'date' | 'image' | 'list' | 'object' | 'unknown';
  required: boolean;
  /** Default value, when the side declares one. */
  default?: unknown;
  /** Element shape of a list. */
  of?: Shape;
  /** Fields of an object. */
  fields?: Record<string, Shape>;
}

/** Stands in for astro:content's `image()` outside Astro; recognised as kind "image". */
export const imageMarker = () => z.string().describe('image');

/** Describes a Zod schema, looking through effects, pipelines, optional and default wrappers. */
export function shapeOfZod(schema: z.ZodTypeAny, required = true, fallback?: unknown): Shape {
  if (schema instanceof z.ZodEffects) return shapeOfZod(schema.innerType(), required, fallback);
  // A checked value handed on to another schema (an image path on to image()): the last one writes.
  if (schema instanceof z.ZodPipeline) {
    const out: z.ZodTypeAny = (schema as z.ZodPipeline<z.ZodTypeAny, z.ZodTypeAny>)._def.out;
    return shapeOfZod(out, required, fallback);
  }
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return shapeOfZod(schema.unwrap(), false, fallback);
  }
  if (schema instanceof z.ZodDefault) {
    return shapeOfZod(schema._def.innerType, false, schema._def.defaultValue());
  }
  const base = { required, ...(fallback === undefined ? {} : { default: fallback }) };
  if (schema instanceof z.ZodString) {
    return { kind: schema.description === 'image' ? 'image' : 'string', ...base };
  }
  if (schema instanceof z.ZodNumber) return { kind: 'number', ...base };
  if (schema instanceof z.ZodBoolean) return { kind: 'boolean', ...base };
  if (schema instanceof z.ZodDate) return { kind: 'date', ...base };
  if (schema instanceof z.ZodArray)
    return { kind: 'list', ...base, of: shapeOfZod(schema.element) };
  if (schema instanceof z.ZodObject)
    return { kind: 'object', ...base, fields: fieldsOfZod(schema) };
  return { kind: 'unknown', ...base };
}

/** The shapes of a Zod object's (or refined object's) fields. */
export function fieldsOfZod(schema: z.ZodTypeAny): Record<string, Shape> {
  let inner = schema;
  while (inner instanceof z.ZodEffects) inner = inner.innerType();
  if (!(inner instanceof z.ZodObject)) throw new Error('expected a Zod object');
  const shape = inner.shape as Record<string, z.ZodTypeAny>;
  return Object.fromEntries(
    Object.entries(shape).map(([name, field]) => [name, shapeOfZod(field)]),
  );
}

const WIDGET_KINDS: Record<string, Shape['kind']> = {
  string: 'string',
  text: 'string',
  select: 'string',
  number: 'number',
  boolean: 'boolean',
  datetime: 'date',
  [DATE_WIDGET]: 'date',
  image: 'image',
};

/** Describes a Decap field. */
export function shapeOfCmsField(field: CmsField): Shape {
  const f = field as CmsField & { field?: CmsField; fields?: CmsField[]; default?: unknown };
  const widget = f.widget ?? 'string';
  const base = {
    required: f.required !== false,
    ...(f.default === undefined ? {} : { default: f.default }),
  };
  if (widget === 'list') {
    const of: Shape = f.fields
      ? { kind: 'object', required: true, fields: fieldsOfCms(f.fields) }
      : f.field
        ? shapeOfCmsField(f.field)
        : { kind: 'string', required: true };
    return { kind: 'list', ...base, of };
  }
  if (widget === 'object') return { kind: 'object', ...base, fields: fieldsOfCms(f.fields ?? []) };
  return { kind: WIDGET_KINDS[widget] ?? 'unknown', ...base };
}

/** The shapes of a Decap field list's frontmatter fields (the markdown body is not frontmatter). */
export function fieldsOfCms(fields: CmsField[]): Record<string, Shape> {
  return Object.fromEntries(
    fields
      .filter((f) => !(f.name === 'body' && f.widget === 'markdown'))
      .map((f) => [f.name, shapeOfCmsField(f)]),
  );
}

/** Every difference between the schema's fields and the CMS's, as readable lines. */
export function compareFields(
  schema: Record<string, Shape>,
  cms: Record<string, Shape>,
  prefix = '',
): string[] {
  const drift: string[] = [];
  for (const name of new Set([...Object.keys(schema), ...Object.keys(cms)])) {
    const path = prefix + name;
    const s = schema[name];
    const c = cms[name];
    if (!c) drift.push(`${path}: in the schema but not in the CMS`);
    else if (!s) drift.push(`${path}: in the CMS but not in the schema`);
    else drift.push(...compareShapes(s, c, path));
  }
  return drift;
}

function compareShapes(s: Shape, c: Shape, path: string): string[] {
  if (s.kind !== c.kind) return [`${path}: ${s.kind} in the schema, ${c.kind} in the CMS`];
  const drift: string[] = [];
  if (s.required !== c.required) {
    drift.push(
      `${path}: ${s.required ? 'required' : 'optional'} in the schema, ${c.required ? 'required' : 'optional'} in the CMS`,
    );
  }
  if (s.default !== undefined && c.default !== undefined) {
    if (JSON.stringify(s.default) !== JSON.stringify(c.default)) {
      drift.push(
        `${path}: default ${JSON.stringify(s.default)} in the schema, ${JSON.stringify(c.default)} in the CMS`,
      );
    }
  } else if (s.kind === 'boolean' && s.default !== undefined) {
    drift.push(`${path}: the schema defaults to ${String(s.default)} but the CMS sets no default`);
  }
  if (s.of && c.of) drift.push(...compareShapes(s.of, c.of, `${path}[]`));
  if (s.fields && c.fields) drift.push(...compareFields(s.fields, c.fields, `${path}.`));
  return drift;
}
