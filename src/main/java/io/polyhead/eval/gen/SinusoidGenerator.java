package io.polyhead.eval.gen;

import io.polyhead.event.TaskType;

/**
 * The sinusoid family of MAML (Finn, Abbeel and Levine 2017, "Model-Agnostic Meta-Learning for Fast
 * Adaptation of Deep Networks"; cbfinn/maml {@code data_generator.py}): task {@code t} is
 * {@code y = A_t sin(x + φ_t)} with {@code A_t ~ U[0.1, 5]}, {@code φ_t ~ U[0, π]}, and
 * {@code x ~ U[−5, 5]}. One input, regression, no noise. A trunk that learns sin and cos lets a
 * linear head fit any task: {@code A sin(x + φ) = A cos φ · sin x + A sin φ · cos x}.
 */
public final class SinusoidGenerator extends AbstractGenerator {
    private final double[] amplitude;
    private final double[] phase;

    public SinusoidGenerator(GeneratorOptions options) {
        super(options, "sinusoid", TaskType.REGRESSION, 1);
        if (options.dim() != 0 && options.dim() != 1) {
            throw new IllegalArgumentException("sinusoid has input dimension 1. Got --dim " + options.dim());
        }
        amplitude = new double[options.tasks()];
        phase = new double[options.tasks()];
        for (int t = 0; t < options.tasks(); t++) {
            amplitude[t] = params.nextDouble(0.1, 5.0);
            phase[t] = params.nextDouble(0, Math.PI);
        }
    }

    @Override
    double draw(int task, float[] x) {
        double v = random.nextDouble(-5, 5);
        x[0] = (float) v;
        return amplitude[task] * Math.sin(x[0] + phase[task]);
    }

    /** Amplitude of task {@code t}. */
    public double amplitude(int t) {
        return amplitude[t];
    }

    /** Phase of task {@code t}. */
    public double phase(int t) {
        return phase[t];
    }
}
