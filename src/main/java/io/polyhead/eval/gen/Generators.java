package io.polyhead.eval.gen;

import java.util.Locale;

/** The synthetic streams by name, for the command line, the benchmarks and the tests. */
public final class Generators {
    private Generators() {
    }

    /** The generator names. */
    public enum Name {
        /** MAML's sinusoid regression family (input dimension 1). */
        SINUSOID,
        /** Related tasks sharing a rank-r nonlinear subspace. */
        LOWRANK,
        /** MOA-style rotating hyperplanes per task, binary, drifting. */
        HYPERPLANE,
        /** Tasks with independent random weights. */
        UNRELATED;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A new generator. */
    public static StreamGenerator create(Name name, GeneratorOptions options) {
        return switch (name) {
            case SINUSOID -> new SinusoidGenerator(options);
            case LOWRANK -> new LowRankGenerator(options);
            case HYPERPLANE -> new HyperplaneGenerator(options);
            case UNRELATED -> new UnrelatedGenerator(options);
        };
    }

    /** A new generator by its command-line name; the error lists the names. */
    public static StreamGenerator create(String name, GeneratorOptions options) {
        for (Name n : Name.values()) {
            if (n.cliName().equals(name)) {
                return create(n, options);
            }
        }
        throw new IllegalArgumentException("unknown generator \"" + name
                + "\"; one of sinusoid, lowrank, hyperplane, unrelated");
    }
}
