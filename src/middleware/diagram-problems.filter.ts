import { type ArgumentsHost, Catch, type ExceptionFilter, UnprocessableEntityException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { DiagramProblemsResponseDto, ValidationProblemDto } from '../dtos/journey-version.dto';

/** A diagram cannot be deployed: 422, with every problem, per element. */
export class DiagramProblemsException extends UnprocessableEntityException {
  constructor(
    message: string,
    readonly problems: ValidationProblemDto[],
  ) {
    super(message);
  }
}

/**
 * Renders {@link DiagramProblemsException} as the usual error body plus `problems`, on the
 * journey routes (the global filter keeps the plain shape for everything else).
 */
@Catch(DiagramProblemsException)
export class DiagramProblemsFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: DiagramProblemsException, host: ArgumentsHost): void {
    const body: DiagramProblemsResponseDto = {
      statusCode: exception.getStatus(),
      error: 'Unprocessable Entity',
      message: exception.message,
      problems: exception.problems,
    };
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, body.statusCode);
  }
}
