export { path, include } from './patterns';
export type { ParamsOf, PathOptions, UrlPattern, UrlInclude, UrlEntry, Included, UrlModule } from './patterns';
export { registerConverter } from './converters';
export type { Converter, ConverterTypes } from './converters';
export { UrlResolver } from './resolver';
export type { CompiledRoute } from './resolver';
export type { ResolverMatch } from './resolver-match';
export { NoReverseMatch, reverseWith } from './reverse';
export type { ReverseOptions } from './reverse';
