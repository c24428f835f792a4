// RatePage: how fast Tether may call Salesforce — a slider from one request a
// minute to unlimited, said both ways ("1 request every 3 s · ≈ 28,800 a day ·
// 19% of your daily quota") — with the org's daily quota, and what the
// backfill of the chosen objects costs at that rate.
#pragma once

#include <QWizardPage>

class QLabel;
class QSlider;

namespace tether::ui {

class SetupAssistant;

class RatePage : public QWizardPage
{
    Q_OBJECT
public:
    explicit RatePage(SetupAssistant *assistant);
    void initializePage() override;
    QSlider *slider() const { return m_slider; }

private:
    void update();

    SetupAssistant *m_assistant;
    QSlider *m_slider;
    QLabel *m_rate;
    QLabel *m_quota;
    QLabel *m_estimate;
};

} // namespace tether::ui
