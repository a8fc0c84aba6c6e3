/**
 * The release's swagger document in the encoding client-go asks /openapi/v2 for
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, answered as `…spec.v2.v1.0+protobuf`
 * as kube-openapi's handler does: gnostic's openapi.v2.Document, the
 * message ../data/openapi/OpenAPIv2.proto declares, copied from github.com/google/gnostic-models
 * v0.7.0). It carries the document's definitions — what `kubectl explain
 * --output=plaintext-openapiv2` and kubectl's client-side schema validation read — with vendor
 * extensions, defaults and enums as gnostic stores them (YAML text in an Any, written as JSON), and
 * the custom kinds' definitions after them; the paths are left out.
 * Encoded once, on first request.
 */
import protobuf from 'protobufjs';
import { swaggerText } from '../api/validation/openapi-documents.ts';

/** The media type kube-openapi answers with (it also accepts the older `spec.v2@v1.0` spelling). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
export const OPENAPI_V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

type Json = Record<string, unknown>;

// JSON is YAML, and much cheaper to write; gnostic's readers parse the text as YAML.
const anyOf = (value: unknown) => ({ yaml: JSON.stringify(value) });

function schemaMessage(schema: Json): Json {
  const out: Json = {};
  const extensions: Json[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-')) {
      extensions.push({ name: key, value: anyOf(value) });
      continue;
    }
    switch (key) {
      case '$ref':
        out._ref = value;
        break;
      case 'type':
        out.type = { value: Array.isArray(value) ? value : [value] };
        break;
      case 'items':
        out.items = { schema: (Array.isArray(value) ? value : [value]).map((s) => schemaMessage(s as Json)) };
        break;
      case 'allOf':
        out.allOf = (value as Json[]).map(schemaMessage);
        break;
      case 'properties':
        out.properties = {
          additionalProperties: Object.entries(value as Record<string, Json>).map(([name, s]) => ({
            name,
            value: schemaMessage(s),
          })),
        };
        break;
      case 'additionalProperties':
        out.additionalProperties =
          typeof value === 'boolean' ? { boolean: value } : { schema: schemaMessage(value as Json) };
        break;
      case 'default':
      case 'example':
        out[key] = anyOf(value);
        break;
      case 'enum':
        out.enum = (value as unknown[]).map(anyOf);
        break;
      case 'required':
      case 'format':
      case 'title':
      case 'description':
      case 'pattern':
      case 'discriminator':
      case 'uniqueItems':
      case 'readOnly':
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
        out[key] = value;
        break;
      default:
        break;
    }
  }
  if (extensions.length > 0) out.vendorExtension = extensions;
  return out;
}

let loaded: protobuf.Type | undefined;

function documentType(): protobuf.Type {
  loaded ??= protobuf
    .loadSync(new URL('../data/openapi/OpenAPIv2.proto', import.meta.url).pathname)
    .lookupType('openapi.v2.Document');
  return loaded;
}

/**
 * More definitions (the custom kinds' schemas) as a Document holding only them: appended to the
 * encoded swagger, protobuf's merge rules add them to its definitions.
 */
export function definitionsProtobuf(definitions: Record<string, Json>): Buffer {
  const Document = documentType();
  const message = Document.create({
    definitions: {
      additionalProperties: Object.entries(definitions).map(([name, s]) => ({
        name,
        value: schemaMessage(s),
      })),
    },
  });
  return Buffer.from(Document.encode(message).finish());
}

let encoded: Buffer | undefined;

/** The swagger document's definitions as a gnostic openapi.v2.Document in protobuf. */
export function swaggerProtobuf(): Buffer {
  if (encoded) return encoded;
  const Document = documentType();
  const swagger = JSON.parse(swaggerText().toString('utf8')) as {
    swagger: string;
    info: Json;
    definitions: Record<string, Json>;
  };
  const message = Document.create({
    swagger: swagger.swagger,
    info: { title: swagger.info.title, version: swagger.info.version },
    definitions: {
      additionalProperties: Object.entries(swagger.definitions).map(([name, s]) => ({
        name,
        value: schemaMessage(s),
      })),
    },
  });
  encoded = Buffer.from(Document.encode(message).finish());
  return encoded;
}
