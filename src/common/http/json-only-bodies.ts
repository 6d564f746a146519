import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** Parsers Fastify (text/plain) and Nest (url-encoded forms) add besides JSON. */
const NON_JSON_TYPES = ['text/plain', 'application/x-www-form-urlencoded'];

/**
 * Request bodies are JSON only. The default text and form parsers handed handlers a string or a
 * flat object of strings (answered 400 validation_failed, or even accepted when every field is a
 * string); without them Fastify refuses any non-JSON body as 415 unsupported_media_type.
 */
@Injectable()
export class JsonOnlyBodies implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const type of NON_JSON_TYPES) {
      if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    }
  }
}
