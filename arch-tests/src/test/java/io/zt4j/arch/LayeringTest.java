package io.zt4j.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.zt4j.stack.archfixture.ForbiddenInStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LayeringTest {
  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.zt4j");
  }

  @Test
  void productionCodeImportedFromEveryModule() {
    // Guards against the rules passing vacuously because nothing was imported.
    assertThat(production.containPackage("io.zt4j.node")).isTrue();
    assertThat(production.containPackage("io.zt4j.service.cli")).isTrue();
    assertThat(production.stream().noneMatch(c -> c.getPackageName().contains("archfixture"))).isTrue();
  }

  @Test
  void stackIsStandalone() {
    LayeringRules.STACK_IS_STANDALONE.allowEmptyShould(true).check(production);
  }

  @Test
  void nodeIsStandalone() {
    LayeringRules.NODE_IS_STANDALONE.allowEmptyShould(true).check(production);
  }

  @Test
  void coresStartNoThreads() {
    LayeringRules.CORES_START_NO_THREADS.allowEmptyShould(true).check(production);
  }

  @Test
  void coresDoNoIo() {
    LayeringRules.CORES_DO_NO_IO.allowEmptyShould(true).check(production);
  }

  @Test
  void coresReadNoClock() {
    LayeringRules.CORES_READ_NO_CLOCK.allowEmptyShould(true).check(production);
  }

  /** The rules must be able to fail: a deliberately bad class in a core package trips each one. */
  @Test
  void everyRuleCatchesTheBadFixture() {
    JavaClasses fixture = new ClassFileImporter().importClasses(ForbiddenInStack.class);
    for (ArchRule rule : LayeringRules.ALL) {
      if (rule == LayeringRules.NODE_IS_STANDALONE) {
        continue; // the fixture lives in stack
      }
      assertThatThrownBy(() -> rule.check(fixture))
          .as(rule.getDescription())
          .isInstanceOf(AssertionError.class);
    }
  }

  @Test
  void nodeRuleCatchesAStackDependency() {
    JavaClasses fixture = new ClassFileImporter().importClasses(io.zt4j.node.archfixture.NodeUsingStack.class);
    assertThatThrownBy(() -> LayeringRules.NODE_IS_STANDALONE.check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.zt4j.stack");
  }
}
