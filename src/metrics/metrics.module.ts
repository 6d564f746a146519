import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { HttpMetricsHook, httpMetricProviders } from './http-metrics.hook';
import { MetricsController } from './metrics.controller';

/** Several apps in one process (the e2e tests) share prom-client's registry; collect defaults once. */
const defaultMetricsAlreadyCollected = () =>
  register.getSingleMetric('process_cpu_user_seconds_total') !== undefined;

@Global()
@Module({
  imports: [
    PrometheusModule.register({
      path: '/metrics',
      controller: MetricsController,
      defaultMetrics: { enabled: !defaultMetricsAlreadyCollected() },
    }),
  ],
  providers: [HttpMetricsHook, ...httpMetricProviders],
  exports: [PrometheusModule],
})
export class MetricsModule {}
