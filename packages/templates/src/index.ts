import './settings';

export { Engine, Template, appTemplateDirs } from './engine';
export type { ContextProcessor, EngineOptions } from './engine';
export { TemplateError, TemplateDoesNotExist, TemplateSyntaxError, TemplateRenderError, SuspiciousTemplateName } from './errors';
export type { TemplateDebugInfo } from './errors';
export { escapeValue } from './runtime';
export { makeTemplateFragmentKey } from '@manouche/core';
export type { BlockFunction, FragmentCache, IncludeOptions } from './runtime';
export type { ContextFor, TemplateContexts } from './typed';
export { createFilters, filters } from './filters/index';
export type { FilterFunction, FilterOptions } from './filters/index';
export { contextProcessors } from './context-processors';
export type { TemplateEngineSetting } from './settings';
export { TemplateResponse, render, renderToString } from './response';
export { TemplatesRenderer, engines } from './renderer';
export { templatesApp, defaultTemplatesSetting } from './app';
export { expressEngine } from './express';
export type { ExpressViewEngine } from './express';
