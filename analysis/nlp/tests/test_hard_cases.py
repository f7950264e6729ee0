"""Each trap in patients' writing, with examples in our own words (none from ../shared/seeds)."""

# --- plain reports --------------------------------------------------------------------------------------


def test_a_plain_benefit_of_walking_is_helped(outcome_of):
    assert outcome_of("Since I started walking to the park every morning my back aches far less.") == "helped"


def test_a_crash_after_a_class_is_worsened(outcome_of):
    assert outcome_of("Did one spin class on Monday and I've been flat in bed ever since.") == "worsened"


def test_a_benefit_and_a_harm_of_exercise_is_mixed(outcome_of):
    text = (
        "The pool eases my hips beautifully, but every time I do more than twenty minutes I crash for days."
    )
    assert outcome_of(text) == "mixed"


def test_one_kind_helping_and_another_hurting_is_mixed(intervention_outcomes, outcome_of):
    text = "Gentle yoga keeps me supple and I sleep better after it. Running, though, wrecked my knees."
    assert outcome_of(text) == "mixed"
    assert intervention_outcomes(text) == {"yoga": "helped", "running": "worsened"}


# --- negation ---------------------------------------------------------------------------------------------


def test_didnt_help_at_all_is_not_a_benefit(outcome_of):
    assert outcome_of("I gave tai chi a proper go for two months and it didn't help at all.") != "helped"


def test_not_worse_is_not_a_harm(outcome_of):
    assert outcome_of("Tried the hydro pool for a month. Not worse, not better, just the same.") == "none"


def test_never_made_me_feel_better_with_a_harm_is_worsened(outcome_of):
    text = "Cycling never once made me feel better. My legs burned for days after every ride."
    assert outcome_of(text) == "worsened"


def test_no_crash_after_a_walk_is_a_benefit(outcome_of):
    text = "Walked to the corner shop and back three days running and haven't had a single crash."
    assert outcome_of(text) == "helped"


def test_a_harm_that_stopped_is_a_benefit(outcome_of):
    assert outcome_of("Six weeks of seated stretches and my legs don't cramp at night anymore.") == "helped"


def test_cant_do_it_without_pain_is_a_harm(outcome_of):
    assert outcome_of("These days I can't get round the supermarket on foot without crashing.") == "worsened"


def test_does_nothing_for_me_is_not_a_benefit(outcome_of):
    assert outcome_of("Stretching does nothing for me, whatever the physio says.") != "helped"


# --- hypotheticals and advice ---------------------------------------------------------------------------


def test_a_warning_to_others_is_none(outcome_of):
    assert outcome_of("If you overdo it on the bike you'll crash, so start with five minutes.") == "none"


def test_advice_that_something_might_help_is_none(outcome_of):
    assert outcome_of("You could try the warm pool, it might help your joints.") == "none"


def test_a_pattern_the_writer_lives_with_counts(outcome_of):
    text = "Short walks help my mood, but if I go further than the end of the road I crash."
    assert outcome_of(text) == "mixed"


# --- time shifts ------------------------------------------------------------------------------------------


def test_used_to_help_now_wipes_me_out_is_mixed(outcome_of):
    assert outcome_of("Swimming used to help, but now even two lengths wipes me out.") == "mixed"


def test_no_longer_helps_is_not_a_current_benefit(outcome_of):
    assert outcome_of("Yoga no longer helps the way it did.") != "helped"


def test_it_carries_the_last_intervention(intervention_outcomes):
    text = "I started aqua aerobics in March. It has made a huge difference to my stiffness."
    assert intervention_outcomes(text) == {"pool": "helped"}


# --- someone else's claim versus a carer's report -----------------------------------------------------


def test_my_doctor_says_it_helps_is_not_a_report(outcome_of):
    assert outcome_of("My doctor says walking helps fibromyalgia.") == "none"


def test_a_study_claim_is_not_a_report(outcome_of):
    assert outcome_of("Studies show that strength training reduces pain in most patients.") == "none"


def test_a_carers_report_about_their_daughter_counts(outcome_of):
    text = "My daughter started swimming again last term and her fatigue has got so much worse."
    assert outcome_of(text) == "worsened"


def test_a_carer_passing_on_what_their_son_says_counts(outcome_of):
    text = "My son does ten minutes of stretches before bed and he says it helps him sleep."
    assert outcome_of(text) == "helped"


def test_a_friends_experience_is_not_first_hand(outcome_of):
    assert outcome_of("My friend swears pilates sorted her back out.") == "none"


# --- misleading sentiment ---------------------------------------------------------------------------------


def test_less_pain_is_a_benefit_although_vader_reads_it_as_negative(outcome_of):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    text = "Less pain and fewer flares since the physio exercises."
    assert SentimentIntensityAnalyzer().polarity_scores(text)["compound"] < 0
    assert outcome_of(text) == "helped"


def test_enjoying_a_class_then_paying_for_it_is_worsened(outcome_of):
    text = "Loved every minute of the dance class, the music was great. Then spent four days in bed."
    assert outcome_of(text) in ("worsened", "mixed")


def test_more_energy_is_a_benefit(outcome_of):
    assert outcome_of("Tai chi twice a week and I have more energy in the afternoons.") == "helped"


# --- sarcasm ------------------------------------------------------------------------------------------------


def test_sarcastic_praise_with_a_crash_is_worsened(outcome_of):
    text = 'Oh great, the "gentle" exercise programme really helped. Bedbound for a fortnight 🙄'
    assert outcome_of(text) == "worsened"


# --- other treatments only, questions, support ---------------------------------------------------------


def test_other_treatment_only_is_none(outcome_of, intervention_outcomes):
    text = "LDN has been a game changer for my pain, and magnesium helps me sleep."
    assert outcome_of(text) == "none"
    assert intervention_outcomes(text) == {"ldn": "helped", "supplements": "helped"}


def test_a_question_is_none(outcome_of):
    assert outcome_of("Has anyone found that yoga helps with the brain fog?") == "none"


def test_a_support_message_is_none(outcome_of):
    assert (
        outcome_of("Sending you so many hugs. Be gentle with yourself and rest up, you'll get there.")
        == "none"
    )


def test_exercise_mentioned_without_an_outcome_is_none(outcome_of):
    assert outcome_of("I'm starting a walking group on Thursdays at the community centre.") == "none"


# --- symptoms -----------------------------------------------------------------------------------------------


def test_symptoms_are_what_the_outcome_is_about(tag):
    result = tag("Since the pool sessions I sleep better and the brain fog has lifted.")
    assert result.outcome == "helped"
    assert {"sleep", "cognition"} <= set(result.symptoms)


def test_a_crash_is_post_exertional_malaise(tag):
    assert "pem" in tag("Tried a short jog and crashed for a week.").symptoms
