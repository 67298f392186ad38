//! Every rule's examples run as tests: `fails` must be flagged (and fixed into `fixed`),
//! `passes` must not; fixed output parses, converges, and a second fix changes nothing.
//! Adding a rule file adds its tests; no Rust needed.

use idplint_diagnostics::Applicability;
use idplint_linter::rule::{Example, ExampleExpect, RuleMeta};
use idplint_linter::{LintOptions, Product, ProductVersion, fix, lint, registry};

fn options_for(meta: &RuleMeta, example: &Example) -> LintOptions {
    let mut options = LintOptions {
        select: vec![meta.id.clone()],
        ..LintOptions::default()
    };
    let product: Product = meta.product;
    if let Some(current) = example.current.as_deref().and_then(ProductVersion::parse) {
        options.currents.insert(product, current);
    }
    if let Some(target) = example.target.as_deref().and_then(ProductVersion::parse) {
        options.targets.insert(product, target);
    }
    options.base_text = example.base.clone();
    options
}

#[test]
fn rule_files_load() {
    if let Err(errors) = registry() {
        panic!("rule files do not load:\n{}", errors.join("\n"));
    }
}

#[test]
fn every_example_behaves_as_documented() {
    let registry = match registry() {
        Ok(r) => r,
        Err(errors) => panic!("rule files do not load:\n{}", errors.join("\n")),
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for meta in registry.metas() {
        let fixable = meta.fix.is_some_and(|a| a > Applicability::DisplayOnly);
        let mut has_fixed_example = false;
        for (i, example) in meta.examples.iter().enumerate() {
            checked += 1;
            let name = format!("{} example {} ({})", meta.id, i + 1, example.file);
            let options = options_for(meta, example);
            let report = lint(registry, &example.file, &example.text, &options);
            if report.parse_failed && meta.id != "idplint/parse-error" {
                failures.push(format!(
                    "{name}: the example does not parse: {:?}",
                    report.diagnostics
                ));
                continue;
            }
            let hits = report
                .diagnostics
                .iter()
                .filter(|d| d.code == meta.id)
                .count();
            match &example.expect {
                ExampleExpect::Passes => {
                    if hits > 0 {
                        failures.push(format!(
                            "{name}: expected no finding, got {:#?}",
                            report.diagnostics
                        ));
                    }
                }
                ExampleExpect::Fails { fixed } => {
                    if hits == 0 {
                        failures.push(format!("{name}: expected a finding, got none"));
                        continue;
                    }
                    let Some(expected) = fixed else { continue };
                    has_fixed_example = true;
                    let minimum = if example.unsafe_fixes {
                        Applicability::Unsafe
                    } else {
                        Applicability::Safe
                    };
                    let outcome = fix(registry, &example.file, &example.text, &options, minimum);
                    if let Some(failure) = &outcome.failure {
                        failures.push(format!("{name}: fix failed: {failure}"));
                        continue;
                    }
                    let got = outcome
                        .fixed
                        .clone()
                        .unwrap_or_else(|| example.text.clone());
                    if &got != expected {
                        failures.push(format!(
                            "{name}: fixed output differs\n--- expected\n{expected}\n--- got\n{got}"
                        ));
                        continue;
                    }
                    if outcome.remaining.parse_failed {
                        failures.push(format!("{name}: fixed output does not parse"));
                    }
                    if outcome.remaining.diagnostics.iter().any(|d| {
                        d.code == meta.id
                            && d.fix.as_ref().is_some_and(|f| f.applicability >= minimum)
                    }) {
                        failures.push(format!("{name}: the rule still offers a fix after fixing"));
                    }
                    let again = fix(registry, &example.file, &got, &options, minimum);
                    if again.fixed.is_some() {
                        failures.push(format!("{name}: a second fix changed the file again"));
                    }
                    // An unsafe fix must not be applied by a plain `fix`.
                    if example.unsafe_fixes {
                        let safe_only = fix(
                            registry,
                            &example.file,
                            &example.text,
                            &options,
                            Applicability::Safe,
                        );
                        if safe_only.fixed.as_deref() == Some(expected.as_str()) {
                            failures.push(format!(
                                "{name}: marked unsafe_fixes but plain `fix` already applies it"
                            ));
                        }
                    }
                }
            }
        }
        if fixable && !has_fixed_example {
            failures.push(format!(
                "{}: declares a fix but no example shows `fixed:` output",
                meta.id
            ));
        }
    }
    assert!(checked > 0, "no rule examples were found");
    assert!(
        failures.is_empty(),
        "{} example failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
