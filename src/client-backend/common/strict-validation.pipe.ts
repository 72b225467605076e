import { ValidationPipe } from '@nestjs/common';

/**
 * class-validator for the JSON APIs: unknown members are refused (a typo is reported, not ignored),
 * values are transformed into the DTO class. Failures become 400 invalid_request with the messages.
 */
export function strictValidation(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
}
