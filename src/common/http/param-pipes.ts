import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors/common.errors';

/** How a malformed path parameter is refused. */
export const malformedParam = (name: string, example: string) =>
  new ValidationFailedError([{ field: name, messages: [`${name} must look like ${example}`] }]);

/** Validates a path parameter against a pattern, answering validation_failed naming the parameter. */
export function PatternParamPipe(name: string, pattern: RegExp, example: string) {
  @Injectable()
  class PatternParam implements PipeTransform<string, string> {
    transform(value: string): string {
      if (pattern.test(value)) return value;
      throw malformedParam(name, example);
    }
  }
  return PatternParam;
}
