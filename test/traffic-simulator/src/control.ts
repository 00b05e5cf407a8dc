/*
 * The simulator's HTTP face on loopback: /metrics for Prometheus, and a small control API for a
 * person (scripts/demo-traffic.sh) or a test to change how a colour answers.
 */
import express, { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Simulation } from './simulator';

const behaviourBody = z
  .object({
    errorRate: z.number().min(0).max(1).optional(),
    latencyMs: z.number().min(0).max(3_600_000).optional(),
  })
  .strict();

const trafficBody = z
  .object({ requestsPerSecond: z.number().min(0).max(100_000) })
  .strict();

function parsed<T>(schema: z.ZodType<T>, body: unknown, example: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues
      .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    throw Object.assign(
      new Error(`${problems}. Send a JSON body such as ${example}`),
      { status: 400 },
    );
  }
  return result.data;
}

export function controlApp(simulation: Simulation) {
  const app = express();
  app.use(express.json());

  app.get('/metrics', async (_req, res) => {
    res.type(simulation.registry.contentType);
    res.send(await simulation.registry.metrics());
  });

  app.get('/traffic', (_req, res) => {
    res.json({
      requestsPerSecond: simulation.requestsPerSecond,
      readError: simulation.readError,
      services: simulation.services(),
    });
  });

  app.put('/traffic', (req, res) => {
    const { requestsPerSecond } = parsed(
      trafficBody,
      req.body,
      '{"requestsPerSecond": 20}',
    );
    simulation.requestsPerSecond = requestsPerSecond;
    res.json({ requestsPerSecond });
  });

  app.put('/behaviour/:namespace/:colour', (req, res) => {
    const { namespace, colour } = req.params;
    simulation.setBehaviour(
      namespace,
      colour,
      parsed(behaviourBody, req.body, '{"errorRate": 0.5, "latencyMs": 800}'),
    );
    res.json({
      namespace,
      colour,
      ...simulation.behaviourOf(namespace, colour),
    });
  });

  app.delete('/behaviour', (_req, res) => {
    simulation.reset();
    res.json({ requestsPerSecond: simulation.requestsPerSecond });
  });

  app.use(
    (
      error: Error & { status?: number },
      _req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      res.status(error.status ?? 500).json({ error: error.message });
    },
  );
  return app;
}
