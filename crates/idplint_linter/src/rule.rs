//! What a rule is: metadata (shared by data and native rules) and the `Rule` trait.

use crate::source::ParsedFile;
use crate::unit::{Unit, UnitKind};
use crate::version::{Product, Versions};
use idplint_diagnostics::{Applicability, Diagnostic, Severity, TextRange};
use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// Everything about a rule except its logic: what `idplint rules` lists, what `explain`
/// prints, what SARIF carries, and the examples the test harness runs.
#[derive(Clone, Debug)]
pub struct RuleMeta {
    /// `<product>/<kebab-name>`.
    pub id: String,
    pub product: Product,
    /// One line: what the rule finds.
    pub summary: String,
    /// Default severity (windows may raise it, `[severity]` may override it).
    pub severity: Severity,
    /// Markdown: why it matters and what to do.
    pub docs: String,
    /// Changelog entries, upgrade guides or option definitions the rule is based on.
    pub sources: Vec<String>,
    /// Ids in our research catalogs (`K-110a-04`, `T2`), for traceability.
    pub catalog: Vec<String>,
    /// The release that introduced the change, for version-keyed rules.
    pub release: Option<String>,
    /// The best applicability of the fixes this rule can offer, `None` when it never fixes.
    pub fix: Option<Applicability>,
    pub examples: Vec<Example>,
    /// `rules/kratos/v0.11.0.yaml`, or `native` for Rust rules without a data change.
    pub defined_in: String,
    pub native: bool,
}

impl RuleMeta {
    /// Relative URL of the rule's rendered docs.
    pub fn doc_url(&self) -> String {
        format!("docs/rules/{}.md", self.id)
    }
}

/// A rule example that doubles as a test: `fails` must produce at least one diagnostic of the
/// rule (and `fixed`, when given, is what `fix` must turn it into); `passes` must produce none.
#[derive(Clone, Debug)]
pub struct Example {
    pub file: String,
    pub current: Option<String>,
    pub target: Option<String>,
    pub text: String,
    pub expect: ExampleExpect,
    /// Whether the `fixed` output needs `--unsafe-fixes`.
    pub unsafe_fixes: bool,
    /// The file at the comparison base (`check --base`), for examples of diff rules.
    pub base: Option<String>,
}

#[derive(Clone, Debug)]
pub enum ExampleExpect {
    Fails { fixed: Option<String> },
    Passes,
}

/// What a rule sees when it runs on one unit.
pub struct RuleContext<'a> {
    pub file: &'a ParsedFile<'a>,
    pub unit: &'a Unit,
    pub versions: &'a Versions,
    pub meta: &'a RuleMeta,
    /// Facts about this unit that several rules need (is it a development config?), computed
    /// once by the first rule that asks.
    pub memo: &'a UnitMemo,
    /// The whole host file at the comparison base (`LintOptions::base_text`), when there is
    /// one. Diff rules parse it themselves; every other rule ignores it.
    pub base: Option<&'a str>,
}

/// Per-unit facts shared between the rules that run on it, keyed by their type (a newtype per
/// fact, e.g. `struct DevMode(bool)`). Rules of one unit run one after another, so a `RefCell`
/// suffices; the memo is dropped with the unit's rule pass.
#[derive(Default)]
pub struct UnitMemo {
    facts: RefCell<Vec<(TypeId, Rc<dyn Any>)>>,
}

impl UnitMemo {
    /// The fact of type `T`, computed by `compute` the first time it is asked for.
    pub fn get_or_compute<T: 'static>(&self, compute: impl FnOnce() -> T) -> Rc<T> {
        let known = self
            .facts
            .borrow()
            .iter()
            .find(|(id, _)| *id == TypeId::of::<T>())
            .map(|(_, fact)| Rc::clone(fact));
        if let Some(fact) = known.and_then(|fact| fact.downcast::<T>().ok()) {
            return fact;
        }
        // Not borrowed while computing: a fact may be derived from another one.
        let fact = Rc::new(compute());
        self.facts
            .borrow_mut()
            .push((TypeId::of::<T>(), Rc::clone(&fact) as Rc<dyn Any>));
        fact
    }
}

impl RuleContext<'_> {
    /// A diagnostic of this rule at its default severity.
    pub fn diagnostic(&self, range: TextRange, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.meta.id.clone(), self.meta.severity, message, range)
    }
}

/// One unit of a run, as a cross-file rule sees it.
pub struct ProjectUnit<'a> {
    pub file: &'a ParsedFile<'a>,
    pub unit: &'a Unit,
    pub versions: &'a Versions,
}

/// What a cross-file ("project") rule sees: every unit of every file of the run. For
/// `engine::lint` the run is that one file; `engine::lint_files` passes them all.
pub struct ProjectContext<'a> {
    /// Every file of the run, whether idplint found anything in it or not.
    pub paths: &'a [&'a str],
    /// Every file of the run that parsed, whether it holds units or not: cross-file rules
    /// about deployments need manifests no product extracts (a Kubernetes Service).
    pub files: &'a [&'a ParsedFile<'a>],
    pub units: &'a [ProjectUnit<'a>],
    pub meta: &'a RuleMeta,
}

impl ProjectContext<'_> {
    /// A finding on `units[unit]`, at this rule's default severity.
    pub fn diagnostic(
        &self,
        unit: usize,
        range: TextRange,
        message: impl Into<String>,
    ) -> ProjectDiagnostic {
        ProjectDiagnostic {
            unit,
            diagnostic: Diagnostic::new(self.meta.id.clone(), self.meta.severity, message, range),
        }
    }

    /// A finding in `files[file]`, in that file's own coordinates: for what is wrong in a file
    /// that holds no unit (a load balancer's target group checked against a task definition).
    pub fn file_diagnostic(
        &self,
        file: usize,
        range: TextRange,
        message: impl Into<String>,
    ) -> ProjectDiagnostic {
        self.diagnostic(self.units.len() + file, range, message)
    }
}

/// A finding of a cross-file rule, in the coordinates of `ProjectContext::units[unit]` (the
/// engine maps it to the host file like any other).
pub struct ProjectDiagnostic {
    /// An index into `ProjectContext::units`; `units.len() + i` stands for `files[i]` (see
    /// `ProjectContext::file_diagnostic`), whose ranges are already host ranges.
    pub unit: usize,
    pub diagnostic: Diagnostic,
}

/// A rule's logic. Data rules are compiled into one of these by their product module; native
/// rules implement it directly.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &RuleMeta;
    /// The kind of unit this rule checks (and names in its docs).
    fn unit_kind(&self) -> UnitKind;
    /// Whether the rule checks units of `kind`. Most rules check one kind; a check that holds
    /// for the same settings wherever they are written (a Kratos secret in the config file or
    /// in a `SECRETS_COOKIE` variable) checks both, so it stays one rule with one id.
    fn checks_unit(&self, kind: UnitKind) -> bool {
        kind == self.unit_kind()
    }
    /// Report findings for one unit, in the unit's coordinates (embedded units are mapped to
    /// host bytes by the engine).
    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>);
    /// Cross-file rules look at every unit of the run at once (a config and the identity
    /// schemas it names); they implement this and leave `check` empty. Called once per run.
    fn check_project(&self, _ctx: &ProjectContext<'_>, _out: &mut Vec<ProjectDiagnostic>) {}
}

/// Builds a native rule once its metadata is loaded from the rule files.
pub type NativeRuleFactory = fn(Arc<RuleMeta>) -> Box<dyn Rule>;

/// The signature of a native rule's logic.
pub type CheckFn = fn(&RuleContext<'_>, &mut Vec<Diagnostic>);

/// A native rule that is one function over one kind of unit, which is what almost every Rust
/// rule is: the metadata comes from the rule file, so a rule file in Rust is just its check.
pub struct FnRule {
    meta: Arc<RuleMeta>,
    kind: UnitKind,
    check: CheckFn,
}

impl FnRule {
    pub fn boxed(meta: Arc<RuleMeta>, kind: UnitKind, check: CheckFn) -> Box<dyn Rule> {
        Box::new(Self { meta, kind, check })
    }
}

impl Rule for FnRule {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        self.kind
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Diagnostic>) {
        (self.check)(ctx, out);
    }
}

/// The check of a cross-file rule: every unit of the run at once.
pub type ProjectCheckFn = fn(&ProjectContext<'_>, &mut Vec<ProjectDiagnostic>);

/// A cross-file native rule that is one function over the whole run (it reports on units of
/// `kind`); like [`FnRule`], its metadata comes from the rule file.
pub struct ProjectFnRule {
    meta: Arc<RuleMeta>,
    kind: UnitKind,
    check: ProjectCheckFn,
}

impl ProjectFnRule {
    pub fn boxed(meta: Arc<RuleMeta>, kind: UnitKind, check: ProjectCheckFn) -> Box<dyn Rule> {
        Box::new(Self { meta, kind, check })
    }
}

impl Rule for ProjectFnRule {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn unit_kind(&self) -> UnitKind {
        self.kind
    }

    /// Nothing per unit: the rule needs the other files of the run.
    fn check(&self, _ctx: &RuleContext<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_project(&self, ctx: &ProjectContext<'_>, out: &mut Vec<ProjectDiagnostic>) {
        (self.check)(ctx, out);
    }
}
