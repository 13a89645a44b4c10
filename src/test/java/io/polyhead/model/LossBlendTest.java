package io.polyhead.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossBlendTest {

    @Test
    void halfAndHalfBeforeAnyLabel() {
        assertEquals(0.5, new LossBlend().trunkWeight());
    }

    @Test
    void weightsByTheFourthPowerOfTheLossRatio() {
        LossBlend b = new LossBlend();
        b.update(1.0, 2.0); // trunk head twice as good
        assertEquals(16.0 / 17.0, b.trunkWeight(), 1e-9);
    }

    @Test
    void isScaleFree() {
        LossBlend small = new LossBlend();
        LossBlend large = new LossBlend();
        for (int i = 0; i < 100; i++) {
            small.update(0.01, 0.03);
            large.update(1e4, 3e4);
        }
        assertEquals(small.trunkWeight(), large.trunkWeight(), 1e-9);
    }

    @Test
    void forgetsOldEventsSoItCanSwitch() {
        LossBlend b = new LossBlend();
        for (int i = 0; i < 500; i++) {
            b.update(5.0, 1.0); // the local head is better at first
        }
        assertTrue(b.trunkWeight() < 0.01);
        for (int i = 0; i < 300; i++) {
            b.update(0.5, 1.0); // then the trunk has learned
        }
        assertTrue(b.trunkWeight() > 0.9, "weight " + b.trunkWeight());
    }

    @Test
    void runningMeanOverTheFirstEvents() {
        LossBlend b = new LossBlend();
        b.update(1, 3);
        b.update(3, 1);
        assertEquals(2.0, b.trunkLoss(), 1e-12);
        assertEquals(2.0, b.localLoss(), 1e-12);
    }
}
