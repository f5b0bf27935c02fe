"""Linking indicator names as written to the canonical lexicon (extract/linking.py)."""

import doctest
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import yaml

import extract.linking
from extract.linking import (
    LEXICON_PATH,
    LexiconError,
    link_in_context,
    link_indicator,
    load_indicators,
)

GOLD_DIR = Path(__file__).parent / "gold"

# Names as written in the seed documents (the `name` and `unit` of tests/gold).
SEED_NAMES = {
    "urban_new_employment": [("新增就业", "人"), ("城镇新增就业人数", "人"), ("新增就业人数", "人"),
                             ("城镇新增就业", "人"), ("新增城镇就业人员", "人"), ("城镇新增就业（人）", "人")],
    "urban_registered_unemployment_rate": [("城镇登记失业率", "%")],
    "urban_surveyed_unemployment_rate": [("城镇调查失业率", "%"), ("调查失业率", "%")],
    "unemployed_reemployment": [("城镇失业人员实现再就业", "人"), ("帮助下岗失业人员再就业", "人"),
                                ("城镇失业人员再就业人数（人）", "人")],
    "hard_to_employ_employment": [("就业困难人员再就业", "人"), ("城乡就业困难人员就业再就业人数（人）", "人")],
    "entrepreneurship_supported": [("扶持创业", "人"), ("全年扶持创业人数", "人"), ("支持成功自主创业人数（人）", "人")],
    "rural_entrepreneurship": [("扶持农民自主创业人数（人）", "人")],
    "graduate_entrepreneurship": [("引领大学生创业人数（人）", "人")],
    "graduate_startups": [("入驻创业园区的大学生创业企业", "家")],
    "entrepreneurship_driven_employment": [("带动就业", "人"), ("创业带动就业人数", "人"), ("创业带动就业人数（人）", "人")],
    "entrepreneurship_incubators": [("市级大学生创业基地", "家"), ("形成创业孵化基地", "家"), ("市级创业孵化示范基地", "家")],
    "rural_labour_transfer": [("农村劳动力转移就业", "人"), ("转移农村劳动力", "人")],
    "labour_recruited_from_outside": [("劳动力外引（人）", "人")],
    "graduates_employed": [("接收高校毕业生", "人"), ("吸引大学生到舟山就业创业", "人")],
    "public_welfare_posts": [("开发公益性岗位数（个）", "个")],
    "internship_participants": [("帮助未就业毕业生参加就业见习", "人"), ("组织青年（含高校毕业生）参加就业见习人数（人）", "人")],
    "internship_posts": [("开发青年（含高校毕业生）就业见习岗位数（个）", "个")],
    "internship_bases": [("建立大学生见习基地", "家")],
    "job_fairs": [("举办人力资源招聘会", "场"), ("举办人才交流会", "场次")],
    "job_fair_employers": [("设摊招聘单位", "家"), ("参会用人单位", "家次")],
    "job_vacancies_offered": [("推出工作岗位", "个"), ("推出就业岗位", "个")],
    "job_fair_attendance": [("累计入场", "人次"), ("参加交流大会", "人次")],
    "job_seekers_registered": [("求职登记", "人")],
    "employment_intentions": [("达成就业意向", "人"), ("达成意向人数", "人")],
    "enterprise_recruitment_service_coverage": [("服务企业用工（面）", "%")],
    "jobs_stabilised": [("稳定就业岗位", "个")],
    "job_retention_subsidy": [("稳岗补贴", "元")],
    "job_retention_enterprises": [("补助稳岗补贴的困难企业", "家")],
    "pension_insured": [("基本养老保险参保人数", "人"), ("参加养老保险人数", "人"), ("养老保险参保人员总数", "人")],
    "employee_pension_insured": [("城镇职工基本养老保险参保人数", "人"), ("参加城镇职工养老保险人数", "人")],
    "resident_pension_insured": [("城乡居民养老保险参保人数", "人"), ("参加城乡居民养老保险人数", "人"),
                                 ("城乡居民基本养老保险参保人数", "人")],
    "nrps_insured": [("新型农村社会养老保险参保人数", "人")],
    "enterprise_pension_contributors": [("城镇企业职工养老保险缴费人数", "人")],
    "resident_pension_contributors": [("居民养老保险参保缴费人数", "人")],
    "medical_insured": [("基本医疗保险参保人数", "人"), ("参加基本医疗保险人数", "人"), ("参加医疗保险人数", "人"),
                        ("医疗保险参保人员总数", "人"), ("城镇基本医疗保险参保人数", "人")],
    "employee_medical_contributors": [("城镇职工医疗保险缴费人数", "人")],
    "unemployment_insured": [("失业保险参保人数", "人"), ("参加失业保险人数", "人"), ("失业保险参保人员总数", "人")],
    "unemployment_contributors": [("失业保险缴费人数", "人")],
    "work_injury_insured": [("工伤保险参保人数", "人"), ("参加工伤保险人数", "人"), ("工伤保险参保人员总数", "人")],
    "work_injury_contributors": [("工伤保险缴费人数", "人")],
    "construction_work_injury_insured": [("2017年按建设项目参保新增人数指标", "人")],
    "maternity_insured": [("生育保险参保人数", "人"), ("参加生育保险人数", "人"), ("生育保险参保人员总数", "人")],
    "maternity_contributors": [("生育保险缴费人数", "人")],
    "pension_new_insured": [("养老保险新增参保人数", "人")],
    "employee_pension_new_insured": [("职工基本养老保险新增人数", "人")],
    "resident_pension_new_insured": [("城乡居民养老保险扩面人数", "人")],
    "medical_new_insured": [("医疗保险新增参保人数", "人")],
    "unemployment_new_insured": [("失业保险新增参保人数", "人")],
    "work_injury_new_insured": [("工伤保险新增参保人数", "人")],
    "maternity_new_insured": [("生育保险新增参保人数", "人")],
    "social_insurance_expansion": [("社会保障扩面新增", "人次")],
    "pension_coverage_rate": [("养老保险综合参保率", "%"), ("基本养老保险参保率", "%")],
    "medical_coverage_rate": [("医疗保险综合参保率", "%"), ("基本医疗保险参保率", "%")],
    "universal_insurance_registration": [("全民参保本市户籍登记", "人")],
    "universal_registration_rate": [("参保登记率", "%")],
    "landless_farmers_insured": [("办理被征地转轨", "人")],
    "landless_farmers_coverage_rate": [("被征地农民转轨比例", "%")],
    "pension_resident_to_employee_transfer": [("居保转企保", "人")],
    "pension_contribution_loans": [("企业职工养老保险助保贷款人数", "人")],
    "enterprise_pension_level": [("企业退休人员养老金月水平", "元/月"), ("退休职工人均养老金水平", "元/月")],
    "pension_growth_rate": [("企业退休人员养老金历年增幅", "%")],
    "resident_basic_pension_level": [("城乡居民基本养老保险基础养老金标准", "元/月"), ("城乡居民养老保险基础养老金", "元/月")],
    "resident_basic_pension_growth": [("城乡居民基本养老保险基础养老金标准年均增幅", "%")],
    "pension_socialised_payment_rate": [("养老金社会化发放率", "%")],
    "retiree_community_management_rate": [("企业退休人员社区化管理率", "%")],
    "critical_illness_beneficiaries": [("享受大病保险待遇人数", "人")],
    "critical_illness_reimbursement_rate": [("大病保险起付标准以上部分报销比例", "%")],
    "critical_illness_max_payment": [("大病保险年度最高报销限额", "元")],
    "medical_fund_max_payment": [("年度基金最高支付限额", "元")],
    "employee_outpatient_reimbursement_rate": [("职工基本医疗保险普通门诊年度累计医疗费用840元(含)以下部分报销比例", "%")],
    "resident_outpatient_reimbursement_rate": [("城乡居民基本医疗保险普通门诊医疗费用报销比例", "%")],
    "employee_primary_care_reimbursement_rate": [("职工基本医疗保险基层医疗机构就医报销比例", "%")],
    "resident_primary_care_reimbursement_rate": [("城乡居民基本医疗保险基层医疗机构就医报销比例", "%")],
    "social_insurance_fund_revenue": [("社会保险基金收入", "元")],
    "social_insurance_fund_expenditure": [("社会保险基金支出", "元")],
    "social_insurance_fund_balance": [("社会保险基金累计结余", "元")],
    "pension_fund_balance": [("养老保险基金累计结余", "元")],
    "medical_fund_balance": [("医疗保险基金累计结余", "元")],
    "social_insurance_audit_enterprises": [("实地稽核企业", "家")],
    "social_insurance_audit_employees": [("实地稽核职工", "人")],
    "social_insurance_audit_coverage": [("实地稽核面", "%")],
    "social_insurance_arrears_collected": [("补缴社会保险费", "元")],
    "social_insurance_fee_relief": [("集中减免企业社会保险费", "元"), ("“小升规”企业减免社会保险费", "元")],
    "social_insurance_fee_relief_enterprises": [("集中减免社会保险费企业", "家次"),
                                                ("“小升规”企业下调社会保险费受惠企业", "家")],
    "medical_fund_violations_recovered": [("扣除“两定”机构违规费用", "元")],
    "talent_total": [("人才资源总量", "人")],
    "talent_total_growth": [("人才资源总量年均增长", "%")],
    "professional_technical_total": [("专业技术人员", "人"), ("专业技术人才总量", "人")],
    "professional_technical_growth": [("专业技术人员年均增长率", "%")],
    "senior_professionals": [("高级专业技术人员", "人")],
    "intermediate_professionals": [("中级专业技术人员", "人")],
    "junior_professionals": [("初级专业技术人员", "人")],
    "professional_technical_training": [("培训专业技术骨干人才", "人"), ("培养专业技术骨干人才", "人")],
    "high_skilled_total": [("高技能人才总量", "人")],
    "high_skilled_share": [("高技能人才占技能人才比重", "%"), ("高技能人才占技能劳动者的比例", "%"),
                           ("高技能人才占技能劳动者比例", "%")],
    "high_skilled_new": [("新增高技能人才数", "人")],
    "technicians_new": [("新增技师、高级技师人数", "人")],
    "returnees_introduced": [("引进留学回国人员", "人"), ("新增留学回国人数", "人"), ("新增留学回国人员数", "人")],
    "returnee_enterprises": [("新创办留学人员企业", "家")],
    "foreign_experts_introduced": [("引进各类高层次外国专家", "人次"), ("引进各类高层次外国专家人次数", "人次"),
                                   ("引进国外专家", "人次")],
    "foreign_expertise_projects": [("实施国家和省级的引智项目", "项")],
    "talent_overseas_training": [("选派专业技术和管理人才出国（境）培训", "人"), ("选派海洋经济人才出国培训", "人")],
    "postdoc_stations": [("累计博士后科研工作站", "家"), ("博士后科研工作站、博士后创新实践基地", "家")],
    "postdoc_stations_new": [("新建成博士后科研工作站", "家")],
    "postdocs_recruited": [("累计招收博士后", "人")],
    "high_level_talent_introduced": [("引进培养顶尖人才", "人"), ("引进聚集国内外产业顶尖人才", "人"),
                                     ("引进聚集产业领军人才", "人")],
    "innovation_talent_introduced": [("吸纳引进海内外高层次创新创业人才", "人"), ("引进培育创新创业人才", "人")],
    "high_level_talent_certified": [("认定高层次人才", "人")],
    "state_council_allowance_experts": [("享受国务院特殊津贴专家", "人")],
    "outstanding_young_experts": [("省突出贡献的中青年专家", "人")],
    "shortage_talent_introduced": [("引进各类紧缺人才", "人")],
    "doctorates_introduced": [("引进紧缺人才中博士", "人")],
    "masters_introduced": [("引进紧缺人才中硕士", "人")],
    "talent_introduced": [("引进大专及以上学历高校毕业生和具有中级职称以上专业技术人员数", "人")],
    "school_enterprise_cooperation_bases": [("引导企业建立高校人才培养合作基地", "个")],
    "talent_recruitment_events": [("参与或组织用人单位参加招才引智活动", "次")],
    "hr_services_revenue": [("人力资源服务产业产值", "元")],
    "vocational_training": [("组织各类技能培训", "人次"), ("组织各类职业技能培训", "人次"), ("组织各类职业技能培训总人数", "人次")],
    "subsidised_vocational_training": [("补贴性职业技能培训人数", "人")],
    "employment_skills_training": [("城乡劳动者就业培训人数", "人")],
    "migrant_worker_training": [("新生代农民工职业技能培训人数", "人")],
    "entrepreneurship_training": [("创业培训人数", "人"), ("创业培训", "人")],
    "entrepreneurship_training_institutions": [("定点创业培训机构", "家")],
    "skills_certification": [("培训取证人数", "人"), ("百万技能人才培训福利计划取证人数", "人"),
                             ("职业技能鉴定取证人数（含职业技能等级认定）", "人")],
    "technical_school_graduates": [("技工学校毕业生", "人")],
    "technical_school_dual_certificate_rate": [("毕业生双证持证率", "%")],
    "civil_servant_recruitment": [("招考公务员（工作人员）", "人"), ("计划招录公务员（参公人员）人数", "人"), ("招录公务员", "人")],
    "civil_servant_registration": [("完成公务员登记", "人")],
    "civil_servant_training": [("培训公务员", "人次")],
    "civil_servant_initial_training": [("新录用公务员初任培训累计培训人数", "人")],
    "civil_servant_appointment_training": [("新晋升处级领导干部任职培训累计培训人数", "人"), ("新晋升处级领导干部累计培训人数", "人")],
    "civil_servant_training_rate": [("公务员初任培训和任职培训参训率", "%"), ("新录用公务员初任培训参训率", "%")],
    "civil_servant_appraisal_rate": [("实施公务员年度考核比例", "%"), ("公务员年度考核率", "%")],
    "institution_post_management_rate": [("事业单位岗位设置管理制度实施率", "%"), ("事业单位岗位管理制度实施率", "%")],
    "institution_open_recruitment_rate": [("公开招聘制度实施率", "%")],
    "institution_contract_rate": [("工作人员聘用合同签订率", "%")],
    "demobilised_officers_placed": [("安置军队转业干部", "人")],
    "labour_contract_rate": [("企业劳动合同签订率", "%")],
    "collective_contract_rate": [("企业集体合同签订率", "%")],
    "arbitration_closure_rate": [("劳动人事争议仲裁结案率", "%"), ("劳动人事争议仲裁案件法定期限内结案率", "%"),
                                 ("劳动人事争议仲裁法定期限内结案率", "%")],
    "inspection_closure_rate": [("劳动保障监察案件结案率", "%"), ("劳动保障监察举报投诉案件法定期限内结案率", "%")],
    "dispute_cases": [("处理劳动人事争议案件", "件")],
    "dispute_workers": [("劳动人事争议案件涉案人数", "人")],
    "dispute_amount": [("劳动人事争议案件涉及经济标的", "元")],
    "wage_arrears_cases": [("受理欠薪案件", "件")],
    "wage_arrears_workers": [("追讨工资职工", "人")],
    "wage_arrears_recovered": [("追讨工资", "元")],
    "group_wage_arrears_cases": [("处理群体性欠薪案件", "件")],
    "group_wage_arrears_workers": [("群体性欠薪案件涉及人数", "人")],
    "group_wage_arrears_amount": [("群体性欠薪案件涉及金额", "元")],
    "wage_payment_inspection_rate": [("工资支付排查率", "%")],
    "written_review_rate": [("年度书面审查率", "%")],
    "workers_congress_units": [("建立职工(代表)大会制度的单位", "家")],
    "workers_congress_rate": [("建立职工(代表)大会制度的单位占比", "%")],
    "factory_affairs_openness_units": [("实行厂务公开的单位", "家")],
    "factory_affairs_openness_rate": [("实行厂务公开的单位占比", "%")],
    "grassroots_trade_unions": [("基层工会", "个")],
    "minimum_wage": [("最低工资标准", "元/月")],
    "minimum_wage_growth": [("最低工资增长率", "%")],
    "average_wage": [("在职职工年平均工资", "元")],
    "social_security_card_holders": [("社会保障卡持卡人数", "人")],
    "social_security_cards_issued": [("社会保障卡发卡量", "张"), ("社会保障卡发卡数量", "张"),
                                     ("社会保障卡(“市民一卡通”)发卡数", "张")],
    "social_security_card_services": [("纳入社会保障卡服务范围的公共服务事项", "项")],
    "petition_resolution_rate": [("信访事项年均办结率", "%"), ("信访事项按期办结率", "%")],
}

# Wordings other cities and documents use: numbering, table units, scope and
# time words, abbreviations, word order, and no unit at all.
OTHER_WORDINGS = {
    "urban_new_employment": [("全年城镇新增就业", None), ("1.城镇新增就业", "人"), ("（一）城镇新增就业人数", None),
                             ("“十三五”期间城镇新增就业", "人"), ("城镇新增就业人数（万人）", "人"),
                             ("实现城镇新增就业", "人"), ("新增城镇就业", None), ("其中：新增就业", "人")],
    "urban_registered_unemployment_rate": [("2020年城镇登记失业率", "%"), ("登记失业率", None), ("城镇登记失业率（%）", None)],
    "urban_surveyed_unemployment_rate": [("城镇调查失业率", None)],
    "unemployed_reemployment": [("失业人员再就业", "人"), ("下岗失业人员再就业人数", None)],
    "hard_to_employ_employment": [("就业困难人员实现就业", "人"), ("帮助就业困难人员就业", None)],
    "zero_employment_households": [("帮助零就业家庭实现就业", "户")],
    "entrepreneurship_supported": [("扶持自主创业人数", "人"), ("支持自主创业", None)],
    "rural_labour_transfer": [("新增农村劳动力转移就业", "人"), ("农村富余劳动力转移就业人数", "万人")],
    "graduate_employment_rate": [("高校毕业生就业率", "%"), ("大学生就业率", None)],
    "internship_participants": [("高校毕业生就业见习", "人"), ("参加就业见习人数", None)],
    "pension_insured": [("养老保险参保人数", None), ("全市基本养老保险参保人数", "人")],
    "employee_pension_insured": [("参加城镇职工基本养老保险人数", "人"), ("职工养老保险参保人数", None)],
    "enterprise_pension_insured": [("企业职工基本养老保险参保人数", "人"), ("参加企业职工基本养老保险人数", None)],
    "institution_pension_insured": [("机关事业单位养老保险参保人数", "人"), ("参加机关事业单位养老保险人数", None),
                                    ("机关事业单位职工基本养老保险参保人数", "人"),
                                    ("参加基本养老保险人数机关事业单位职工", "人")],
    "resident_pension_insured": [("城乡居民社会养老保险参保人数", "人"), ("参加城乡居民基本养老保险人数", None)],
    "nrps_insured": [("新农保参保人数", None), ("参加新型农村社会养老保险人数", "人")],
    "employee_pension_contributors": [("城镇职工养老保险缴费人数", "人")],
    "resident_pension_contributors": [("城乡居民养老保险参保缴费人数", "人")],
    "medical_insured": [("参加基本医疗保险人数", None), ("医保参保人数", "人")],
    "employee_medical_insured": [("参加城镇职工基本医疗保险人数", "人"), ("职工医保参保人数", None)],
    "resident_medical_insured": [("城镇居民医保参保人数", "人"), ("城乡居民医疗保险参保人数", None)],
    "unemployment_insured": [("参加失业保险人数", None), ("失业保险参保人员", "人"), ("全市失业保险参保人数（万人）", None)],
    "unemployment_new_insured": [("新增失业保险参保人数", "人"), ("失业保险新增参保人数", None)],
    "unemployment_benefit_recipients": [("领取失业保险金人数", "人")],
    "work_injury_insured": [("参加工伤保险人数", None)],
    "migrant_work_injury_insured": [("农民工参加工伤保险人数", "人")],
    "construction_work_injury_insured": [("建筑业农民工工伤保险参保人数", "人"), ("按项目参加工伤保险的建筑业农民工人数", None)],
    "maternity_insured": [("参加生育保险人数", None)],
    "social_insurance_expansion": [("社会保险扩面", "人"), ("社保扩面人数", None)],
    "pension_coverage_rate": [("基本养老保险参保率", None), ("养老保险覆盖率", "%")],
    "social_insurance_audit_coverage": [("实地稽核面", None)],
    "enterprise_pension_level": [("企业退休人员月人均基本养老金", "元/月"), ("企业退休人员基本养老金", "元")],
    "resident_basic_pension_level": [("城乡居民基础养老金最低标准", "元/月")],
    "pension_fund_balance": [("基本养老保险基金累计结余", "元")],
    "social_security_card_holders": [("社保卡持卡人数", "人"), ("社会保障卡持卡人数（万人）", None)],
    "social_security_cards_issued": [("社保卡发卡量", "张")],
    "talent_total": [("人才总量", None), ("全市人才资源总量", "人")],
    "skilled_workers_total": [("技能人才总量", "人")],
    "high_skilled_total": [("高技能人才总量（万人）", None)],
    "high_skilled_new": [("新增高技能人才", None), ("新培养高技能人才", "人")],
    "high_level_talent_introduced": [("引进高层次人才", "人")],
    "foreign_experts_introduced": [("引进高层次外国专家", "人次"), ("引进境外专家", "人次")],
    "postdoc_stations": [("博士后科研工作站", "家")],
    "postdoc_stations_new": [("新设博士后科研工作站", "家")],
    "vocational_training": [("全市职业技能培训人数", "人"), ("开展职业技能培训", "万人次")],
    "employment_skills_training": [("开展就业技能培训", "人次")],
    "technical_school_employment_rate": [("技工院校毕业生就业率", "%")],
    "civil_servant_training": [("公务员培训", "人次")],
    "civil_servant_training_rate": [("公务员初任培训参训率", None)],
    "labour_contract_rate": [("劳动合同签订率", "%"), ("规模以上企业劳动合同签订率", None)],
    "collective_contract_rate": [("集体合同签订率", "%"), ("企业集体合同签订率", None)],
    "arbitration_closure_rate": [("劳动人事争议仲裁结案率", None), ("劳动争议仲裁结案率", "%")],
    "mediation_success_rate": [("劳动人事争议调解成功率", "%")],
    "inspection_closure_rate": [("劳动保障监察举报投诉案件结案率", "%")],
    "minimum_wage": [("月最低工资标准", None)],
    "minimum_wage_growth": [("最低工资标准年均增长", "%")],
    "average_wage": [("城镇非私营单位在岗职工年平均工资", "元")],
    "wage_growth_rate": [("在岗职工平均工资增长率", "%")],
    "grassroots_service_platforms": [("基层劳动保障服务平台", "个")],
    # Scheme, population and verb words in other positions; names cut short.
    "job_retention_subsidy": [("困难企业补助稳岗补贴", "元"), ("为困难企业发放稳岗补贴", "万元"), ("企业稳岗补贴", None)],
    "wage_arrears_recovered": [("职工追讨工资", "元"), ("为农民工追讨欠薪", "万元")],
    "wage_arrears_workers": [("职工追讨工资", "人")],
    "employee_primary_care_reimbursement_rate": [("职工医保在基层医疗机构就医的报销", "%")],
    "resident_primary_care_reimbursement_rate": [("城乡居民基本医疗在基层医疗机构就医的报销", "%")],
    "talent_overseas_training": [("选派专业技术和管理人才出国", "人"), ("选派青年人才出国研修", "人")],
    "social_insurance_fee_relief_enterprises": [("社会保险费减免受惠企业", "家"), ("下调社会保险费惠及企业", "家")],
    "dispute_amount": [("劳动人事争议案件涉及经济标", "元"), ("劳动争议涉案标的", "元")],
    "talent_programme_selected": [("入选省人才工程第一层次培养人员", "人"), ("第二层次培养人员", "人"),
                                  ("高层次人才培养工程培养对象", "人"), ("入选重点人才工程", None)],
    "retiree_health_check_rate": [("当批次退休人员体检率", "%"), ("企业退休人员健康体检率", None)],
}

# Names that must link to nothing: rates stated as counts and counts as rates,
# sub-rows that say nothing without their parent row, other fields, parameters.
NOT_LINKED = [
    ("城镇登记失业率", "人"), ("城镇新增就业", "%"), ("失业保险参保人数", "%"), ("基本养老保险参保人数", "%"),
    ("养老保险参保率", "人"), ("劳动合同签订率", "人"), ("高技能人才总量", "%"), ("最低工资", "%"),
    ("社会保障卡持卡人数", "%"), ("招录公务员", "%"), ("面向社会招录公务员", "%"),
    ("新录用公务员初任培训", "期"), ("新晋升处级领导干部任职培训", "期"), ("选派海洋经济人才出国培训批次", "批"),
    ("新增城镇就业岗位", "个"), ("社会保险基金收入", "%"),
    ("城镇登记失业率", "百分点"), ("失业率", "%"), ("就业率", "%"), ("新增参保人数", "人"), ("企业职工", "人"), ("机关事业单位职工", "人"),
    ("2017年目标数就业人员目标", "人"), ("社区管理率", "%"), ("调查入库率", "%"),
    ("离校未就业高校毕业生就业率", "%"), ("农村劳动力转移就业培训", "人"), ("残疾人就业", "人"),
    ("电子社保卡领用人数", "人"), ("基层工会涵盖单位", "个"), ("独立工会", "个"), ("高层次人才金卡", "人"),
    ("养老保险基金收入", "元"), ("工伤保险基金支出", "元"), ("职业技能培训补贴", "元"), ("创业担保贷款", "元"),
    ("失业保险金标准", "元/月"), ("患大病人员提高报销比例", "个百分点"), ("高技能人才培训基地", "个"),
    ("引进服务业旅游类中高端人才", "人"), ("国有农场农工实现基本养老保险制度并轨", "人"),
    ("村改居人员通过户籍转登参加社会保险", "人"), ("向上争取养老保险省级调剂金和其他资金", "元"),
    ("3551人才计划", "人"), ("12333", None), ("城镇化率", "%"), ("森林覆盖率", "%"), ("人均GDP", "元"),
    ("棚户区改造", "户"), ("", None), ("（人）", None),
    # Bare measures and cut-off names: they link only in context (test below).
    ("合同签订率", "%"), ("限内结案率", "%"), ("支出", "元"), ("结余", "元"), ("涉及人数", "人"),
    ("涉及金额", "元"), ("年均增长率", "%"), ("年均增幅", "%"), ("在基层医疗机构就医的报销", "%"),
    ("目标任务", "%"), ("层次", "个"), ("第二层次", "人"), ("退休人员体检", "人"), ("职工追讨工资", "%"),
    ("先后选派了", "批"), ("公务员", "人"), ("减免", "元"),
]

# Close neighbours that must not be confused.
NOT_THIS = [
    ("企业劳动合同签订率", "%", "collective_contract_rate"),
    ("企业集体合同签订率", "%", "labour_contract_rate"),
    ("工作人员聘用合同签订率", "%", "labour_contract_rate"),
    ("城镇登记失业率", "%", "urban_surveyed_unemployment_rate"),
    ("失业保险新增参保人数", "人", "unemployment_insured"),
    ("新增高技能人才数", "人", "high_skilled_total"),
    ("新生代农民工职业技能培训人数", "人", "vocational_training"),
    ("补贴性职业技能培训人数", "人", "vocational_training"),
    ("扶持农民自主创业人数", "人", "entrepreneurship_supported"),
    ("城乡居民养老保险参保人数", "人", "pension_insured"),
    ("城镇企业职工养老保险缴费人数", "人", "employee_pension_insured"),
    ("居民养老保险参保缴费人数", "人", "resident_pension_insured"),
    ("最低工资增长率", "%", "wage_growth_rate"),
    ("新录用公务员初任培训累计培训人数", "人", "civil_servant_recruitment"),
    ("引进紧缺人才中博士", "人", "shortage_talent_introduced"),
    ("累计招收博士后", "人", "doctorates_introduced"),
    ("群体性欠薪案件涉及人数", "人", "wage_arrears_workers"),
    ("城乡居民基本养老保险基础养老金标准年均增幅", "%", "pension_growth_rate"),
    ("职工追讨工资", "元", "wage_arrears_workers"),
    ("困难企业补助稳岗补贴", "元", "job_retention_enterprises"),
    ("社会保险费减免受惠企业", "家", "social_insurance_fee_relief"),
    ("第二层次培养人员", "人", "high_level_talent_introduced"),
    ("高层次人才培养工程培养对象", "人", "high_level_talent_introduced"),
    ("城乡居民基本医疗在基层医疗机构就医的报销", "%", "employee_primary_care_reimbursement_rate"),
    ("退休人员社区管理率", "%", "retiree_health_check_rate"),
]


# (name, unit, text before the value, parent row's name) → indicator: bare
# names that their clause, sentence, parent row or the sentence before qualify.
IN_CONTEXT = [
    ("专业技术骨干人才", "人", "实施重点领域人才培养工程，举办高级研修班，培训", None, "professional_technical_training"),
    ("公务员", "人", "“十三五”期间共招录", None, "civil_servant_recruitment"),
    ("公务员", "人", "2020年全市考试录用", None, "civil_servant_recruitment"),
    ("企业社会保险费", "元", "全市累计集中减免1.2万家(次)企业社会保险费", None, "social_insurance_fee_relief"),
    ("合同签订率", "%", "公开招聘制度实施率达到100%，工作人员聘用\n\n合同签订率达到 ", None, "institution_contract_rate"),
    ("合同签订率", "%", "全市规模以上企业劳动\n合同签订率达到", None, "labour_contract_rate"),
    ("限内结案率", "%", "劳动保障监察举报投诉案件法定期\n\n限内结案率达到", None, "inspection_closure_rate"),
    ("支出", "元", "全市社会保险基金收入100亿元,", None, "social_insurance_fund_expenditure"),
    ("结余", "元", "全市社会保险基金收入100亿元,支出80亿元,累计", None, "social_insurance_fund_balance"),
    ("涉及人数", "人", "处理群体性欠薪案件200件,", None, "group_wage_arrears_workers"),
    ("涉及金额", "元", "处理群体性欠薪案件200件,涉及人数5000人,", None, "group_wage_arrears_amount"),
    ("年均增长率", "%", "全市共有专业技术人员8万人,比期初增长20%。", None, "professional_technical_growth"),
    ("年均增长", "%", "到期末,人才资源总量达到30万人;", None, "talent_total_growth"),
    ("年均增幅", "%", "城乡居民基础养老金标准逐年提高,从100元/月提高到150元/月,五年来", None,
     "resident_basic_pension_growth"),
    ("历年增幅", "%", "连续提高企业退休人员养老金水平,月人均养老金提高到2500元,", None, "pension_growth_rate"),
    ("就业率", "%", "技工院校毕业生达到1万人,毕业生双证持证率保持在90%以上,", None, "technical_school_employment_rate"),
    ("在基层医疗机构就医的报销", "%", "提高城乡居民基本医疗待遇水平,普通门诊报销比例提高到30%,其中", None,
     "resident_primary_care_reimbursement_rate"),
    ("在基层医疗机构就医的报销", "%", "职工基本医疗保险普通门诊报销比例提高到40%,其中", None,
     "employee_primary_care_reimbursement_rate"),
    ("转轨比例", "%", "已办理被征地农民转轨10万人,", None, "landless_farmers_coverage_rate"),
    ("认定人才", "人", "全面推行高层次人才证认定发放工作,", None, "high_level_talent_certified"),
    ("企业受惠", "家", "对小微企业阶段性下调社会保险费缴费比例,全市", None, "social_insurance_fee_relief_enterprises"),
    ("社区管理率", "%", "退休人员及时纳入社区管理，", None, "retiree_community_management_rate"),
    ("机关事业单位职工", "人", "", "参加基本养老保险人数", "institution_pension_insured"),
    # Near misses: the context says nothing, or names another indicator.
    ("年均增长率", "%", "全市举办招聘会200场。", None, None),
    ("年均增长率", "%", "全市共有专业技术人员8万人。今年", None, None),
    # A generic word stays unlinked even after a named indicator: such a value
    # is often a target stated beside an achieved one.
    ("目标任务", "%", "城镇登记失业率保持在3%以下，完成4%以内的", None, None),
    ("目标任务", "%", "全力做好就业工作，完成", None, None),
    ("其中", "人", "城镇新增就业10万人，", None, None),
    ("金卡", "人", "认定高层次人才4000人(", None, None),
    ("合同签订率", "%", "", None, None),
    ("支出", "元", "全市一般公共预算收入100亿元,", None, None),
    ("就业率", "%", "全市高技能人才达到10万人,", None, None),
]


@pytest.mark.parametrize("name, unit, before, parent, expected", IN_CONTEXT)
def test_link_in_context_qualifies_bare_names(name, unit, before, parent, expected):
    assert link_in_context(name, unit, before, parent) == expected


def _cases(table):
    return [(name, unit, id_) for id_, names in table.items() for name, unit in names]


@pytest.mark.parametrize("name, unit, expected", _cases(SEED_NAMES))
def test_link_indicator_seed_names(name, unit, expected):
    assert link_indicator(name, unit) == expected


@pytest.mark.parametrize("name, unit, expected", _cases(OTHER_WORDINGS))
def test_link_indicator_other_wordings(name, unit, expected):
    assert link_indicator(name, unit) == expected


@pytest.mark.parametrize("name, unit", NOT_LINKED)
def test_link_indicator_uncertain_names_link_to_nothing(name, unit):
    assert link_indicator(name, unit) is None


@pytest.mark.parametrize("name, unit, wrong", NOT_THIS)
def test_link_indicator_keeps_neighbours_apart(name, unit, wrong):
    assert link_indicator(name, unit) != wrong


def test_link_indicator_every_alias_links_to_its_indicator():
    wrong = [
        (alias, ind["id"], link_indicator(alias, ind["unit"]))
        for ind in load_indicators()
        for alias in [ind["name_zh"], *ind["aliases"]]
        if link_indicator(alias, ind["unit"]) != ind["id"]
    ]
    assert wrong == []


def test_load_indicators_gives_valid_rows_for_the_database():
    indicators = load_indicators()
    assert 80 <= len(indicators) <= 200
    assert len({i["id"] for i in indicators}) == len(indicators)
    for ind in indicators:
        assert ind["domain"] in extract.linking.DOMAINS
        assert ind["measure"] in extract.linking.MEASURES
        assert ind["name_zh"] and ind["name_en"] and ind["unit"] and ind["aliases"]
    assert load_indicators() is indicators  # cached


def _write_lexicon(tmp_path, indicators):
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    data["indicators"] = indicators
    path = tmp_path / "indicators.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


GOOD = {"id": "urban_new_employment", "name_zh": "城镇新增就业人数", "name_en": "New urban employment",
        "domain": "employment", "measure": "flow", "unit": "人", "aliases": ["新增就业"]}


@pytest.mark.parametrize("change, message", [
    ({"domain": "jobs"}, "domain must be one of employment"),
    ({"measure": "count"}, "measure must be one of flow, stock, rate, level"),
    ({"id": "Urban-New"}, "id must be snake_case"),
    ({"aliases": "新增就业"}, "aliases must be a list"),
    ({"unit": "%"}, "unit must be '%' for a rate and only for a rate"),
    ({"colour": "red"}, "unknown field(s) colour"),
    ({"direction": "down"}, "direction must be one of higher, lower"),
])
def test_load_indicators_names_the_bad_entry(tmp_path, change, message):
    path = _write_lexicon(tmp_path, [GOOD, {**GOOD, "id": "second", **change}])
    with pytest.raises(LexiconError, match=r"indicator #2") as error:
        load_indicators(path)
    assert message in str(error.value)


def test_load_indicators_rejects_duplicate_ids_and_shared_aliases(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(LexiconError, match="duplicate id 'urban_new_employment'"):
        load_indicators(_write_lexicon(tmp_path / "a", [GOOD, GOOD]))
    with pytest.raises(LexiconError, match="also belongs to 'urban_new_employment'"):
        load_indicators(_write_lexicon(tmp_path / "b", [GOOD, {**GOOD, "id": "other"}]))


def test_linking_doctests():
    assert doctest.testmod(extract.linking).failed == 0


def test_link_indicator_gold_coverage():
    """The project's target: at least 95% of the seed corpus's values linked."""
    records = [json.loads(line) for path in sorted(GOLD_DIR.glob("*.jsonl"))
               for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    unlinked = Counter((r["name"], r["unit"]) for r in records if link_indicator(r["name"], r["unit"]) is None)
    share = 1 - sum(unlinked.values()) / len(records)
    print(f"\nlinked {len(records) - sum(unlinked.values())}/{len(records)} gold records ({share:.1%}); unlinked:")
    for (name, unit), count in unlinked.most_common():
        print(f"  {count:3d}  {name} [{unit}]")
    assert share >= 0.95


def test_seed_corpus_values_are_linked(built_db):
    """Issue #4: at least 95% of the values extracted from the seed corpus link
    to a canonical indicator."""
    with sqlite3.connect(built_db) as conn:
        total, linked = conn.execute(
            "select count(*), count(indicator_id) from indicator_values").fetchone()
        unlinked = conn.execute(
            "select d.source_file, v.name_raw, v.unit, count(*) from indicator_values v"
            " join documents d on d.id = v.document_id where v.indicator_id is null"
            " group by 1, 2, 3 order by 4 desc, 1, 2").fetchall()
    print(f"\nlinked {linked}/{total} extracted values ({linked / total:.1%}); unlinked:")
    for source_file, name, unit, count in unlinked:
        print(f"  {count:3d}  {source_file[:3]}  {name} [{unit}]")
    assert linked / total >= 0.95
