export * from './test-clock.service';
export * from './test-clock.controller';
export * from './test-clock.module';
export * from './test-clock.dto';
export * from './test-clock.filter';
