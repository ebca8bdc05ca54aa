package org.fsqspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvAutoencoderUpsampleTest {
  @Test
  void decoderUpsamplingCopiesEveryValueIntoATwoByTwoBlockAndSumsItsGradients() {
    SequentialBlock decoder = new ConvAutoencoder(1, List.of(4, 8), 3, "sigmoid").decoder();
    Block upsample = decoder.getChildren().values().get(2);
    assertThat(upsample.toString()).contains("upsample2x");
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.arange(0f, 2 * 3 * 4 * 5f).reshape(2, 3, 4, 5);
      x.setRequiresGradient(true);
      NDArray weights = manager.arange(0f, 2 * 3 * 8 * 10f).reshape(2, 3, 8, 10);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray y = upsample.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow();
        assertThat(y.getShape()).isEqualTo(new Shape(2, 3, 8, 10));
        // The reference: repeat rows, then columns (what the upsampling was written as before).
        assertThat(y.toFloatArray()).containsExactly(x.repeat(2, 2).repeat(3, 2).toFloatArray());
        collector.backward(y.mul(weights).sum());
      }
      // d/dx of sum(w * up(x)): the sum of the four weights of each value's block.
      NDArray expected = weights.reshape(2, 3, 4, 2, 5, 2).sum(new int[] {3, 5});
      assertThat(x.getGradient().toFloatArray()).containsExactly(expected.toFloatArray());
    }
  }
}
