"""What published studies and expert articles claim, shown beside what members report."""

from django.db import models


class StudyType(models.TextChoices):
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review and meta-analysis"
    GUIDELINE = "guideline", "Clinical guideline"
    RCT = "rct", "Randomised controlled trial"
    REANALYSIS = "reanalysis", "Reanalysis of a trial's data"
    COHORT = "cohort", "Cohort study"
    CASE_CONTROL = "case_control", "Case-control study"
    SURVEY = "survey", "Patient survey"
    CONSENSUS = "consensus", "Professional consensus statement (not a trial)"
    POLICY = "policy", "Policy change (not a study)"
    REVIEW = "review", "Review"
    MECHANISM = "mechanism", "Mechanism study"
    EXPERT = "expert", "Expert article (not a study)"
    NOT_STATED = "not_stated", "Study design not stated in our source"


class ClaimDirection(models.TextChoices):
    HELPED = "helped", "Helped"
    WORSENED = "worsened", "Made worse"
    NO_EFFECT = "no_effect", "No effect"
    # A review whose benefit is probable in the short term but uncertain later, or a guideline saying some
    # are helped and some made worse: neither "helped" nor "made worse" would be honest.
    MIXED = "mixed", "Mixed or uncertain"
    MECHANISM = "mechanism", "Mechanism only"


class StudyClaimManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class StudyClaim(models.Model):
    """One claim from one source, cited exactly, with a plain-language summary written for this project.

    `interventions` are the canonical intervention names (docs/labelling.md) the claim is shown beside on
    the dashboard; empty when members' reports have no matching name (e.g. graded motor imagery).
    `direction` is what the claim says about those interventions, so a study that compared several
    (PACE: GET, CBT, pacing) names only the ones its direction is about.

    A `background` claim (a mechanism paper, an expert explainer) is listed on its own and never set beside
    members' reports: it does not say what an intervention did to people like them.
    """

    slug = models.SlugField(max_length=80, unique=True)
    short_name = models.CharField(
        max_length=120, help_text='How the dashboard names it: "Gerdle et al., PLOS ONE 2016".'
    )
    authors = models.CharField(
        max_length=300, blank=True, help_text="As cited; empty when our source names none."
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=400, blank=True)
    journal = models.CharField(max_length=200, blank=True)
    volume_pages = models.CharField(max_length=100, blank=True, help_text="e.g. 11(10):e0162010")
    doi = models.CharField("DOI", max_length=100, blank=True)
    url = models.URLField("URL", blank=True)
    source_note = models.CharField(
        max_length=300, blank=True, help_text="Where we read it, when the study itself is not cited in full."
    )
    population = models.CharField(max_length=300)
    sample_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="Participants with the condition studied; empty when not given."
    )
    study_type = models.CharField(max_length=20, choices=StudyType.choices)
    intervention = models.CharField(max_length=300, help_text="The intervention in the study's own terms.")
    interventions = models.JSONField(
        default=list, blank=True, help_text='Canonical names it is shown beside, e.g. ["strength"].'
    )
    claimed_effect = models.TextField()
    direction = models.CharField(max_length=12, choices=ClaimDirection.choices)
    certainty = models.CharField(
        max_length=200,
        blank=True,
        help_text='How sure the authors were, as they graded it (e.g. GRADE "moderate"); empty when our '
        "source does not say.",
    )
    background = models.BooleanField(
        default=False,
        help_text="Mechanism or explainer: listed under background, not set beside members' reports.",
    )
    summary = models.TextField(help_text="Plain language, written for this project.")
    position = models.PositiveSmallIntegerField(default=0)

    # `loaddata study_claims` finds existing claims by slug, so loading the fixture again updates them.
    objects = StudyClaimManager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.short_name

    def natural_key(self):
        return (self.slug,)

    @property
    def link(self) -> str:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url
